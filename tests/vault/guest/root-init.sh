#!/bin/busybox sh
# Stage 2 of the vault test guest: PID 1 in the real root (the host's / under a tmpfs overlay), run by the host's
# static busybox. Debian's busybox-static runs its applets without a fresh dynamic exec, and under TCG every
# dynamically linked program costs 0.1-0.4 s to start, so the setup below stays in busybox.
# It makes the root usable (no udev, no systemd here), adds the unprivileged `vigil` user with the one sudo
# rule the appliance installs, and then supervises the guest agent (agent.ts) that tests/vault/guest.ts drives.
# From the kernel command line: VIGIL_NODE (host path of node) and VIGIL_AGENT (host path of the agent, as .mjs).
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root

fail() {
  echo "vigil-guest: stage 2: $*"
  poweroff -f
}

# /tmp stays the overlay's (the host's /tmp seen read-only, writes kept in RAM): a fresh tmpfs there would
# hide a checkout that lives under /tmp, and with it node, the agent and the server. Tests keep their own
# scratch files in /run/vigil-test, which only the guest sees.
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run || fail "cannot mount /run"
mkdir -p /dev/pts /dev/shm /run/lock /run/vigil-guest /run/vigil-test
chmod 1777 /run/vigil-test
mount -t devpts -o gid=5,mode=0620,ptmxmode=0666 devpts /dev/pts || fail "cannot mount /dev/pts"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm || fail "cannot mount /dev/shm"
# udev would create these; bash process substitution, `--key-file=-` and friends need them.
ln -sfn /proc/self/fd /dev/fd
ln -sfn /proc/self/fd/0 /dev/stdin
ln -sfn /proc/self/fd/1 /dev/stdout
ln -sfn /proc/self/fd/2 /dev/stderr
# The kernel asks for modules by alias (crypto algorithms, fs types); the host has no kmod, busybox serves.
ln -sfn /bin/busybox /run/vigil-guest/modprobe
echo /run/vigil-guest/modprobe > /proc/sys/kernel/modprobe

hostname vigil-guest
# sudo looks its own host name up and warns on stderr when that fails.
echo "127.0.1.1 vigil-guest" >> /etc/hosts
# QEMU user networking: the guest is 10.0.2.15, QEMU's gateway 10.0.2.2; hostfwd reaches the guest agent here.
ip link set lo up || fail "cannot bring up lo"
ip link set eth0 up || fail "cannot bring up eth0"
ip addr add 10.0.2.15/24 dev eth0 || fail "cannot address eth0"
ip route add default via 10.0.2.2 || fail "cannot add the default route"

# The server's account on the appliance: no password, no shell, no groups beyond its own.
# /etc comes from the host: a host that already has a vigil account or uid 990 would make two.
if grep -q -e '^vigil:' -e '^[^:]*:[^:]*:990:' /etc/passwd /etc/group; then
  fail "the host's /etc/passwd or /etc/group already has vigil or id 990"
fi
echo "vigil:x:990:990:Vigil server:/var/lib/vigil:/usr/sbin/nologin" >> /etc/passwd
echo "vigil:x:990:" >> /etc/group
echo "vigil:!:20000:0:99999:7:::" >> /etc/shadow
{ mkdir -p /var/lib/vigil && chown 990:990 /var/lib/vigil && chmod 0750 /var/lib/vigil; } ||
  fail "cannot create vigil's home"
# The appliance's only sudo rule: the server may run the vault helper as root, nothing else.
echo "vigil ALL=(root) NOPASSWD: /usr/local/libexec/vigil-vaultctl" > /etc/sudoers.d/vigil-vaultctl
# sudo refuses a rule file that root does not own or that others could write.
{ chown root:root /etc/sudoers.d/vigil-vaultctl && chmod 0440 /etc/sudoers.d/vigil-vaultctl; } ||
  fail "cannot write the sudo rule"

echo "vigil-guest: starting the agent"
"$VIGIL_NODE" "$VIGIL_AGENT" &
agent=$!
# PID 1 must reap orphans; ash's wait reaps every child while it waits for the agent.
wait "$agent"
fail "the agent exited with status $?"
