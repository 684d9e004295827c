#!/usr/bin/env bash
# Builds localhost/conclave-base:17, a Debian bookworm root file system with a headless JRE 17, for machines that
# reach Debian's package mirror but no image registry (the container test's CI). Elsewhere use the public JRE image
# (the Dockerfiles' default BASE_IMAGE) and skip this. Needs root, debootstrap and podman; about 3 minutes.
#
#   deploy/docker/build-base-image.sh [IMAGE]     (IMAGE defaults to localhost/conclave-base:17)
set -euo pipefail
image=${1:-localhost/conclave-base:17}
if podman image exists "$image"; then
  echo "$image exists: not rebuilt"
  exit 0
fi
# the machine's own Debian mirror, as its apt sources name it
mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
mirror=${mirror:-http://deb.debian.org/debian}
rootfs=$(mktemp -d)
trap 'umount "$rootfs/proc" 2>/dev/null || true; rm -rf "$rootfs"' EXIT
debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >/dev/null
mount --bind /proc "$rootfs/proc"
# procps: ps for the kafka-*.sh scripts' checks; the JRE's man pages and locales are dead weight in an image
chroot "$rootfs" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  openjdk-17-jre-headless procps >/dev/null
umount "$rootfs/proc"
chroot "$rootfs" apt-get clean
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/*
tar -C "$rootfs" -c . | podman import --change 'ENV LANG=C.UTF-8' - "$image" >/dev/null
echo "built $image"
