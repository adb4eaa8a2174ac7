#!/bin/sh
# Stage 1 of the vault test guest: /init in the initramfs that scripts/guest-assets builds, run by busybox.
# It only reaches the real root: the host's / over virtio-9p, read-only, under a tmpfs overlay so the guest can
# write /etc and /var without touching the host. Stage 2 (root-init.sh) sets the system up from there.
# The kernel command line (tests/vault/guest.ts) passes, as environment variables:
#   VIGIL_MODULES  host path of the unpacked kernel's lib/modules/<version>
#   VIGIL_STAGE2   host path of the stage 2 script, run by the host's static busybox
#   VIGIL_NODE     host path of the node that runs the guest agent
/bin/busybox --install -s /bin
export PATH=/bin
mount -t devtmpfs devtmpfs /dev
# The kernel opened a console before /dev existed as devtmpfs; reopen it so every message reaches the serial.
exec </dev/console >/dev/console 2>&1

fail() {
  echo "vigil-guest: stage 1: $*"
  poweroff -f
}

mount -t proc proc /proc || fail "cannot mount /proc"
mount -t sysfs sysfs /sys || fail "cannot mount /sys"
while read -r module; do
  insmod "/modules/$module" || fail "insmod $module failed"
done < /modules/order

mount -t tmpfs -o mode=0755 overlay /overlay || fail "cannot mount the overlay's tmpfs"
mkdir /overlay/lower /overlay/upper /overlay/work
# msize 256 KiB (RECIPES): fewer, larger 9p messages per file read, each a round trip through QEMU.
mount -t 9p -o ro,trans=virtio,version=9p2000.L,cache=loose,msize=262144 hostroot /overlay/lower ||
  fail "cannot mount the host root over 9p"
mount -t overlay -o lowerdir=/overlay/lower,upperdir=/overlay/upper,workdir=/overlay/work overlay /newroot ||
  fail "cannot mount the overlay root"

# Node's first start faults its 120 MB binary in piece by piece over 9p; one sequential read started now, while
# the boot goes on, puts it in the page cache first (measured: the agent starts in ~2.3 s instead of ~3 s).
cat "/overlay/lower$VIGIL_NODE" > /dev/null &

version="$(uname -r)"
# Debian's /lib is a link to usr/lib: mkdir -p follows it into the writable upper layer.
mkdir -p "/newroot/lib/modules/$version"
mount --bind "/overlay/lower$VIGIL_MODULES" "/newroot/lib/modules/$version" || fail "cannot bind the modules"
for fs in dev proc sys; do
  mount --move "/$fs" "/newroot/$fs" || fail "cannot move /$fs"
done
exec switch_root /newroot /bin/busybox sh "$VIGIL_STAGE2"
