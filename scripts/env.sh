# Sourced by the build and test scripts: exports what the HyperMesh build needs.
# One target directory outside the checkout, shared by every build and by CI.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/hypermesh/target}"
hypermesh_checkout="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The runtime's WASM must not depend on where the checkout or the cargo home
# are: the committed chain specs embed it, and a clone elsewhere must produce
# the same bytes. Source paths (in panic locations) are remapped.
hypermesh_wasm_flags="--remap-path-prefix=$hypermesh_checkout=/hypermesh --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo"
if ! rustup target list --installed 2>/dev/null | grep -qE '^wasm32(v1-none|-unknown-unknown)$'; then
	# No rustup wasm target: build the runtime's WASM with Debian's rustc-web
	# toolchain (see scripts/setup).
	export WASM_BUILD_TOOLCHAIN="${WASM_BUILD_TOOLCHAIN:-debian}"
	# The runtime imports ext_* host functions the linker cannot see.
	hypermesh_wasm_flags="-C link-arg=--allow-undefined $hypermesh_wasm_flags"
fi
export WASM_BUILD_RUSTFLAGS="${WASM_BUILD_RUSTFLAGS:-$hypermesh_wasm_flags}"
# frame-benchmarking-cli embeds a test runtime (built with polkadot's parachain
# pallets) only for `benchmark storage`, which hypermesh-node does not wire;
# skipping its WASM saves a large part of a cold build.
export SKIP_FRAME_STORAGE_ACCESS_TEST_RUNTIME_WASM_BUILD="${SKIP_FRAME_STORAGE_ACCESS_TEST_RUNTIME_WASM_BUILD:-1}"
# The target directory is outside the checkout, so tell the WASM builder where
# the workspace (and its Cargo.lock) is; otherwise it resolves versions afresh.
export WASM_BUILD_WORKSPACE_HINT="${WASM_BUILD_WORKSPACE_HINT:-$hypermesh_checkout}"
