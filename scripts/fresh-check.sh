#!/usr/bin/env bash
# Runs the README's two commands (scripts/setup.sh, then scripts/test.sh) in
# a throwaway minimal Debian 12 root, as on a user's fresh machine or in a
# container: a package that a step uses but its command does not install
# fails here, where a developer's or CI's machine would hide it. The root
# gets a clone of the committed HEAD (uncommitted files do not leak in).
# Prints both summaries and the time each step took; exits non-zero if
# either command failed. Runs as root, non-interactively; removes the root
# even when a step fails.
#   scripts/fresh-check.sh                   # setup.sh, then test.sh
#   scripts/fresh-check.sh scripts/test.sh   # the given commands, in order
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

commands=("$@")
[ ${#commands[@]} -ne 0 ] || commands=(scripts/setup.sh scripts/test.sh)
if [ "$(id -u)" -ne 0 ]; then
  echo "fresh-check.sh: must run as root (mmdebstrap, mount, chroot)" >&2
  exit 2
fi
tfm_install_packages mmdebstrap

# The root lives on disk (/var/tmp), not in a tmpfs: the build needs GBs.
work="$(mktemp -d /var/tmp/tfm-fresh.XXXXXX)"
root="$work/root"
mounted=()

# Processes left in the root (a daemon a package started) would keep its
# mounts busy: end them, by pid, then unmount innermost first and remove
# the root only once nothing of the host is mounted under it.
cleanup() {
  local rc=$? pid i
  for pid in $(ls /proc | grep -E '^[0-9]+$'); do
    [ "$(readlink "/proc/$pid/root" 2>/dev/null)" = "$root" ] &&
      kill -9 "$pid" 2>/dev/null
  done
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" || true
  done
  if grep -q " $work/" /proc/self/mounts; then
    echo "fresh-check.sh: still mounted under $work; not removing it" >&2
    exit 1
  fi
  rm -rf --one-file-system "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

mount_in_root() { # FSTYPE-OR-bind SOURCE TARGET [OPTIONS]
  mkdir -p "$root$3"
  if [ "$1" = bind ]; then
    mount --bind "$2" "$root$3"
  else
    mount -t "$1" -o "${4:-defaults}" "$2" "$root$3"
  fi
  mounted+=("$root$3")
}

echo "== fresh Debian 12 root in $root"
start=$SECONDS
mmdebstrap --quiet --variant=apt bookworm "$root"
root_time=$((SECONDS - start))

mount_in_root proc proc /proc
mount_in_root bind /sys /sys
mount_in_root bind /dev /dev
mount_in_root bind /dev/pts /dev/pts
# The host's downloaded packages, read-only beneath an overlay: apt in the
# root finds them there and writes what it downloads to the overlay only.
mkdir -p "$work/apt-upper" "$work/apt-work"
mount_in_root overlay overlay /var/cache/apt/archives \
  "lowerdir=/var/cache/apt/archives,upperdir=$work/apt-upper,workdir=$work/apt-work"
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
# As in container images: packages start no daemons in the root, and dpkg
# skips the fsyncs that a root thrown away does not need (the installs took
# 10 minutes on a busy host with them).
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod +x "$root/usr/sbin/policy-rc.d"
echo force-unsafe-io >"$root/etc/dpkg/dpkg.cfg.d/unsafe-io"

# A clone, not a copy: only what is committed. (No test reads ../shared.)
git clone --quiet "$TFM_ROOT" "$root/work/tfmc"

# A clean environment, as a new login's; OPENBLAS_CORETYPE passes through
# (TOOLCHAIN.md: tests and CI keep the host's setting).
env_vars=(HOME=/root LANG=C.UTF-8 CI="${CI:-}"
          PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
[ -z "${OPENBLAS_CORETYPE:-}" ] || env_vars+=(OPENBLAS_CORETYPE="$OPENBLAS_CORETYPE")

results=()
failed=0
for cmd in "${commands[@]}"; do
  log="$work/$(basename "$cmd").log"
  echo "== $cmd (in the fresh root)"
  start=$SECONDS
  set +e
  chroot "$root" /usr/bin/env -i "${env_vars[@]}" \
    bash -c "cd /work/tfmc && $cmd" </dev/null 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  set -e
  results+=("$(printf '%-18s exit %-3s %5s s' "$cmd" "$rc" $((SECONDS - start)))")
  [ "$rc" -eq 0 ] || failed=1
  # Keep the summaries: the root goes away.
  if grep -q '^Total Discovered Tests' "$log"; then
    sed -n '/^\(Failed Tests\|Total Discovered Tests\)/,$p' "$log"
  else
    tail -n 12 "$log"
  fi >"$log.summary"
done

echo "== fresh-check summary"
printf '%-18s %14s s\n' "fresh root" "$root_time"
printf '%s\n' "${results[@]}"
for cmd in "${commands[@]}"; do
  echo "-- $cmd, last lines"
  cat "$work/$(basename "$cmd").log.summary"
done
exit "$failed"
