#!/bin/bash
# Boots a minimal Linux guest under QEMU (TCG) with an emulated Intel 82540EM (QEMU's e1000 model) and runs
# ringstack inside it on that NIC, through its mapped BAR0 and hugepage DMA memory.
#
#   run-guest.sh --app DIR --out DIR [--peer-port PORT --guest-port PORT] [--timeout SECONDS]
#
#   --app DIR      read-only share: DIR/run is a shell script run as root in the guest (the JDK is at /jdk,
#                  DIR itself at /app, the writable --out DIR at /out)
#   --out DIR      writable share; QEMU also records every frame of the NIC to DIR/qemu.pcap (filter-dump)
#   --peer-port P  adds a host-side peer on the guest's wire: QEMU sends each frame as one UDP datagram to
#                  127.0.0.1:P and takes frames from datagrams sent to 127.0.0.1:--guest-port (-netdev dgram)
#
# The NIC (52:54:00:12:34:56, PCI 0000:00:10.0), slirp (10.0.2.2 gateway, no root needed) and the dgram peer
# share one QEMU hub, so the guest sees both. The script exits with the guest's /app/run status
# (QEMU's isa-debug-exit gives (status << 1) | 1), or 124 on timeout.
#
# Needs: qemu-system-x86, linux-image-amd64 (a /boot/vmlinuz and its modules), busybox-static, cpio.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
app="" out="" peer_port="" guest_port="" timeout_s=600
jdk="${RINGSTACK_GUEST_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}"
while [ $# -gt 0 ]; do
    case "$1" in
        --app) app="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --peer-port) peer_port="$2"; shift 2 ;;
        --guest-port) guest_port="$2"; shift 2 ;;
        --timeout) timeout_s="$2"; shift 2 ;;
        --jdk) jdk="$2"; shift 2 ;;
        *) echo "run-guest.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
[ -n "$app" ] && [ -f "$app/run" ] || { echo "run-guest.sh: --app DIR with a DIR/run script is required" >&2; exit 2; }
[ -n "$out" ] || { echo "run-guest.sh: --out DIR is required" >&2; exit 2; }
mkdir -p "$out"
for tool in qemu-system-x86_64 cpio busybox; do
    command -v "$tool" >/dev/null || { echo "run-guest.sh: $tool is missing (apt-get install qemu-system-x86 busybox-static cpio)" >&2; exit 3; }
done
kernel="$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1 || true)"
[ -n "$kernel" ] || { echo "run-guest.sh: no /boot/vmlinuz-* (apt-get install linux-image-amd64)" >&2; exit 3; }
kver="${kernel#/boot/vmlinuz-}"
moddir="/lib/modules/$kver"
[ -d "$moddir" ] || { echo "run-guest.sh: no modules for $kver in $moddir" >&2; exit 3; }
[ -x "$jdk/bin/java" ] || { echo "run-guest.sh: no JDK at $jdk (set RINGSTACK_GUEST_JDK)" >&2; exit 3; }

# The initramfs: busybox, the guest's init, the modules it loads and the C libraries the JDK links against.
cache="${RINGSTACK_GUEST_CACHE:-${TMPDIR:-/tmp}/ringstack-guest}"
initramfs="$cache/initramfs-$kver-$(cat "$here/guest-init.sh" | md5sum | cut -c1-12).cpio.gz"
if [ ! -f "$initramfs" ]; then
    mkdir -p "$cache"
    root="$(mktemp -d "$cache/root.XXXXXX")"
    mkdir -p "$root"/{bin,dev,proc,sys,tmp,modules,lib64,lib/x86_64-linux-gnu,etc}
    cp "$(command -v busybox)" "$root/bin/busybox"
    cp "$here/guest-init.sh" "$root/init"
    chmod +x "$root/init"
    for module in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci netfs fscache 9pnet \
                  9pnet_virtio 9p e1000; do
        path="$(find "$moddir/kernel" -name "$module.ko*" | head -1)"
        [ -n "$path" ] || { echo "run-guest.sh: module $module not found under $moddir" >&2; exit 3; }
        case "$path" in
            *.ko.xz) xz -dc "$path" > "$root/modules/$module.ko" ;;
            *.ko.zst) zstd -qdc "$path" > "$root/modules/$module.ko" ;;
            *) cp "$path" "$root/modules/$module.ko" ;;
        esac
    done
    { ldd "$jdk/bin/java"; find "$jdk/lib" -name '*.so' -exec ldd {} \; 2>/dev/null; } \
        | grep -o '/[^ ]*\.so[^ ]*' | grep -v "^$jdk" | sort -u | while read -r lib; do
            [ -f "$lib" ] && cp -L "$lib" "$root$lib" 2>/dev/null || cp -L "$lib" "$root/lib/x86_64-linux-gnu/" 2>/dev/null || true
        done
    echo "root:x:0:0:root:/:/bin/sh" > "$root/etc/passwd"
    (cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$initramfs.tmp"
    mv "$initramfs.tmp" "$initramfs"
    rm -rf "$root"
fi

net=(-netdev hubport,id=nic0,hubid=0
     -device e1000,netdev=nic0,mac=52:54:00:12:34:56,addr=0x10
     -object filter-dump,id=dump0,netdev=nic0,file="$out/qemu.pcap"
     -netdev user,id=slirp0,net=10.0.2.0/24 -netdev hubport,id=hub_slirp,hubid=0,netdev=slirp0)
if [ -n "$peer_port" ]; then
    [ -n "$guest_port" ] || { echo "run-guest.sh: --peer-port needs --guest-port" >&2; exit 2; }
    net+=(-netdev "dgram,id=peer0,local.type=inet,local.host=127.0.0.1,local.port=$guest_port,remote.type=inet,remote.host=127.0.0.1,remote.port=$peer_port"
          -netdev hubport,id=hub_peer,hubid=0,netdev=peer0)
fi

set +e
timeout --foreground -k 5 "$timeout_s" qemu-system-x86_64 -accel tcg -cpu max -m 1024 -smp 1 \
    -nographic -no-reboot -serial mon:stdio \
    -kernel "$kernel" -initrd "$initramfs" -append "console=ttyS0 quiet panic=-1 iommu=off" \
    -virtfs local,path="$jdk",mount_tag=jdk,security_model=none,readonly=on \
    -virtfs local,path="$app",mount_tag=app,security_model=none,readonly=on \
    -virtfs local,path="$out",mount_tag=out,security_model=none \
    "${net[@]}" \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null
status=$?
set -e
if [ $status -eq 124 ]; then
    echo "run-guest.sh: the guest did not finish within $timeout_s s" >&2
    exit 124
fi
if [ $((status & 1)) -eq 1 ]; then
    exit $((status >> 1))
fi
echo "run-guest.sh: QEMU exited with $status without a result from the guest" >&2
exit 125
