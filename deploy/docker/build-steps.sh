#!/bin/sh
# The Dockerfile's build steps, as one script, so that they also run without Docker: the Dockerfile's
# RUN lines call it, and test/deploy/build-steps.test.ts runs the same steps in a temporary copy of
# the repository.
#
#   build-steps.sh deps                          in the repository: install what the build needs
#   build-steps.sh build OUT                     in the repository: compile, then pack OUT/claude-code-wrapper.tgz
#   build-steps.sh runtime TARBALL PREFIX CLI    install the tarball and @anthropic-ai/claude-code@CLI into PREFIX
set -eu

step="${1:-}"
case "$step" in
  deps)
    # The build compiles TypeScript and packs: no CLI binary (an optional package), no native addon
    # and no install script is needed for that. --ignore-scripts also keeps a `prepare` script from
    # building a second time.
    npm ci --omit=optional --ignore-scripts --prefer-offline --no-audit --no-fund
    ;;
  build)
    out="${2:?usage: build-steps.sh build OUT}"
    npm run build
    mkdir -p "$out"
    # Packed as a user's `npm pack` would (only the package.json "files"); already built above.
    npm pack --ignore-scripts --pack-destination "$out"
    mv "$out"/claude-code-wrapper-*.tgz "$out/claude-code-wrapper.tgz"
    ;;
  runtime)
    tarball="${2:?usage: build-steps.sh runtime TARBALL PREFIX CLI_VERSION}"
    prefix="${3:?usage: build-steps.sh runtime TARBALL PREFIX CLI_VERSION}"
    cli_version="${4:?usage: build-steps.sh runtime TARBALL PREFIX CLI_VERSION}"
    mkdir -p "$prefix"
    cd "$prefix"
    printf '{ "name": "claude-code-wrapper-runtime", "private": true }\n' > package.json
    # The wrapper with its production dependencies, and the CLI at the pinned version (its install
    # script puts the platform's native binary in place). npm warns that the CLI declares
    # node >= 22: it is a native binary, which runs whatever Node the wrapper runs on.
    npm install --omit=dev --save-exact --prefer-offline --no-audit --no-fund "$tarball" "@anthropic-ai/claude-code@$cli_version"
    # Fail the build, not the first request, if either binary does not run.
    "$prefix/node_modules/.bin/claude-wrapper" --version
    cli_reported="$("$prefix/node_modules/.bin/claude" --version)"
    echo "claude $cli_reported"
    case "$cli_reported" in
      "$cli_version "* | "$cli_version") ;;
      *)
        echo "expected claude $cli_version, got: $cli_reported" >&2
        exit 1
        ;;
    esac
    ;;
  *)
    echo "usage: build-steps.sh deps | build OUT | runtime TARBALL PREFIX CLI_VERSION" >&2
    exit 64
    ;;
esac
