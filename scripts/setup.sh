#!/usr/bin/env bash
# The README's first command: installs what is missing (Debian 12, as root or
# with sudo), builds tfmc and runs the main examples: one encoder layer in tfm
# IR, and the English-to-Korean translator. Safe to run again.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

tfm_install_packages "${TFM_BUILD_PACKAGES[@]}"
tfm_build
"$TFM_ROOT/examples/encoder_layer/run.sh"
"$TFM_ROOT/examples/translator/run.sh"
