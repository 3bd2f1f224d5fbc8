#!/usr/bin/env bash
# The README's second command: installs what the tests need
# (TFM_TEST_PACKAGES in common.sh), builds, and runs every test. Ends with
# lit's summary. With --install-only it stops after the installs (CI checks
# in a fresh root that they are enough).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

tfm_install_packages "${TFM_BUILD_PACKAGES[@]}" "${TFM_TEST_PACKAGES[@]}"
[ "${1:-}" != --install-only ] || exit 0
tfm_build
ninja -C "$TFM_BUILD" check-tfm
