# Sourced by every script: puts the project's pinned Node (in .runtime/node) first on PATH and points
# native addon builds at its headers. Nothing here installs anything; scripts/setup does that.
VIGIL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VIGIL_NODE_VERSION="$(tr -d '[:space:]' < "$VIGIL_ROOT/scripts/node-version")"
VIGIL_NODE_DIR="$VIGIL_ROOT/.runtime/node"
export PATH="$VIGIL_NODE_DIR/bin:$VIGIL_ROOT/node_modules/.bin:$PATH"
export npm_config_nodedir="$VIGIL_NODE_DIR"
export VIGIL_ROOT VIGIL_NODE_VERSION VIGIL_NODE_DIR
