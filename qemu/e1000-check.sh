# The guest side of ringstack's 82540EM check: run by guest-init.sh as /app/run, as root, with the JDK at /jdk,
# ringstack's class path listed in /app/classpath and results written to /out. Each step's output goes to /out/<step>.txt.
set -f # no globbing of the java command line
java="/jdk/bin/java -XX:-UsePerfData -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx256m -Xss1m
    --enable-native-access=ALL-UNNAMED --add-exports java.base/jdk.internal.misc=ALL-UNNAMED
    --sun-misc-unsafe-memory-access=allow -cp $(cat /app/classpath) io.ringstack.demo.RingstackCommand"
device=0000:00:10.0
cd /tmp
echo "guest: e1000 at $device is $(cat /sys/bus/pci/devices/$device/vendor):$(cat /sys/bus/pci/devices/$device/device), driver $(basename "$(readlink /sys/bus/pci/devices/$device/driver)")"

# 1. misuse: the kernel's e1000 driver is still bound -> a clear refusal, nothing touched
echo 0 > /proc/sys/vm/nr_hugepages
$java pci --device $device --ip 10.0.2.15/24 > /out/bound.txt 2>&1
echo "exit $?" >> /out/bound.txt
# 2. no huge pages reserved -> a clear refusal that says how to reserve them (the driver is unbound by now)
$java pci --device $device --unbind --ip 10.0.2.15/24 > /out/nohugepages.txt 2>&1
echo "exit $?" >> /out/nohugepages.txt
# 3. the real run: ARP and ping answered, the slirp gateway resolved and pinged, UDP echo, stopped by the peer
echo 8 > /proc/sys/vm/nr_hugepages
grep -i hugepages_ /proc/meminfo > /out/meminfo.txt
$java pci --device $device --ip 10.0.2.15/24 --gateway 10.0.2.2 --ping 10.0.2.2 --count 5 --udp-echo 7 \
    --stop-port 9 --seconds ${RINGSTACK_GUEST_SECONDS:-150} --pcap /out/driver.pcap > /out/pci.txt 2>&1
status=$?
echo "exit $status" >> /out/pci.txt
sync
exit $status
