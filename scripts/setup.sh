#!/usr/bin/env bash
# The README's first command: installs what is missing (Debian 12, as root or
# with sudo), builds tfmc and runs the main example. Safe to run again.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

tfm_install_packages "${TFM_BUILD_PACKAGES[@]}"
tfm_build
"$TFM_ROOT/examples/encoder_layer/run.sh"
