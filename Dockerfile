# syntax=docker/dockerfile:1
# claude-code-wrapper: the HTTP proxy with the Claude Code CLI, as a small non-root image.
#
#   docker build -t claude-code-wrapper .
#   docker run --rm -p 8787:8787 --stop-timeout 30 \
#     -e CLAUDE_WRAPPER_API_KEYS=... -e CLAUDE_CODE_OAUTH_TOKEN=... claude-code-wrapper
#
# Every RUN line that builds something calls deploy/docker/build-steps.sh, which the tests run
# without Docker (test/deploy/build-steps.test.ts). Guide: deploy/README.md.

ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: compile and pack, exactly as `npm pack` would for a user ---
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY deploy/docker/build-steps.sh deploy/docker/build-steps.sh
COPY package.json package-lock.json ./
RUN sh deploy/docker/build-steps.sh deps
COPY . .
RUN sh deploy/docker/build-steps.sh build /out

# --- runtime: Node, the packed wrapper and the pinned CLI; no sources, no dev dependencies ---
FROM ${NODE_IMAGE} AS runtime
# tini as PID 1: it forwards SIGTERM to the server and reaps processes orphaned by killed CLI runs
# (Node reaps only its own children). setpriv (util-linux, already in the image) makes each CLI
# child die with the server.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/*
# The Claude Code CLI the proxy drives, pinned (the version the test suites run against).
ARG CLAUDE_CODE_VERSION=2.1.330
RUN --mount=type=bind,from=build,source=/out,target=/out \
    --mount=type=bind,source=deploy/docker/build-steps.sh,target=/build-steps.sh \
    --mount=type=cache,target=/root/.npm \
    sh /build-steps.sh runtime /out/claude-code-wrapper.tgz /opt/claude-wrapper "${CLAUDE_CODE_VERSION}"
# The CLI keeps its state under ~/.claude (session transcripts, what the proxy resumes); the proxy its
# embedded conversation store under ~/.claude-code-wrapper. Both belong to the unprivileged user.
RUN install -d -o node -g node /home/node/.claude /home/node/.claude-code-wrapper
COPY deploy/docker/healthcheck.mjs /opt/claude-wrapper/healthcheck.mjs
COPY deploy/docker/config.json /etc/claude-wrapper/config.json

# No credentials here, ever: pass CLAUDE_CODE_OAUTH_TOKEN or ANTHROPIC_API_KEY at run time, or mount
# a logged-in ~/.claude at /home/node/.claude. Bound to every interface inside the container, where
# `serve` refuses to start without CLAUDE_WRAPPER_API_KEYS.
ENV PATH=/opt/claude-wrapper/node_modules/.bin:$PATH \
    CLAUDE_CONFIG_PATH=/etc/claude-wrapper/config.json \
    CLAUDE_WRAPPER_HOST=0.0.0.0 \
    CLAUDE_WRAPPER_PORT=8787 \
    DISABLE_AUTOUPDATER=1

# The CLI refuses to skip permissions as root, and nothing here needs root.
USER node
WORKDIR /home/node
EXPOSE 8787

# Liveness only: /health (readiness) is 503 while the CLI has no credentials, which a restart
# would not fix.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["node", "/opt/claude-wrapper/healthcheck.mjs"]

# SIGTERM drains: new connections are refused, in-flight runs get drainTimeoutMs (25 s in
# /etc/claude-wrapper/config.json), then the rest are killed; the process is gone within
# drain + kill grace (2 s) + 2 s = 29 s, inside a 30 s grace period (`docker stop -t 30`,
# compose stop_grace_period: 30s, Kubernetes' default terminationGracePeriodSeconds).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--", "claude-wrapper"]
CMD ["serve"]
