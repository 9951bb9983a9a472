#!/bin/busybox sh
# PID 1 of ringstack's QEMU test guest (built into the initramfs by run-guest.sh).
# Mounts the kernel's file systems and the three 9p shares (jdk: the host's JDK, read-only; app: what to run,
# read-only; out: results, writable), loads the modules, then runs /app/run and reports its exit status to the
# host through QEMU's isa-debug-exit port (0xf4): QEMU exits with (status << 1) | 1.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
for module in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci netfs fscache 9pnet \
              9pnet_virtio 9p e1000; do
    insmod "/modules/$module.ko" || echo "guest: insmod $module failed"
done
mkdir -p /jdk /app /out
mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose jdk /jdk || echo "guest: mounting the JDK failed"
mount -t 9p -o trans=virtio,version=9p2000.L,ro app /app || echo "guest: mounting the app failed"
mount -t 9p -o trans=virtio,version=9p2000.L out /out || echo "guest: mounting out failed"
status=99
if [ -f /app/run ]; then
    echo "guest: running /app/run"
    sh /app/run
    status=$?
else
    echo "guest: no /app/run"
fi
echo "guest: exit status $status"
sync
printf "\\$(printf %03o "$status")" | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
poweroff -f
