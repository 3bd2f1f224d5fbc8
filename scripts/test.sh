#!/usr/bin/env bash
# The README's second command: installs what the tests need (PyTorch for the
# reference outputs, Chromium for the attention-maps page), builds, and runs
# every test. Ends with lit's summary.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

tfm_install_packages "${TFM_BUILD_PACKAGES[@]}" python3-torch chromium
tfm_build
ninja -C "$TFM_BUILD" check-tfm
