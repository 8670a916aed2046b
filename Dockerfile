# tfscript's image: `docker build -t tfscript .` then `docker run --rm tfscript run --simulator
# --dry-run /usr/share/doc/tfscript/examples/nightly-scale-down.lua`.
# docs/scheduling.md runs it as a Kubernetes CronJob, with the token from a mounted Secret.
#
# Build stage: the official Swift image on Debian bookworm, with the same Debian packages as a
# checkout (scripts/setup), and the release binary of scripts/build-release (Swift runtime,
# Foundation and Lua linked statically), laid out by scripts/stage.
ARG SWIFT_VERSION=6.3.1
FROM swift:${SWIFT_VERSION}-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends liblua5.4-dev libedit-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# Without .git in the context, name the commit: --build-arg TFSCRIPT_COMMIT=$(git rev-parse HEAD)
# --build-arg SOURCE_DATE_EPOCH=$(git log -1 --format=%ct).
ARG TFSCRIPT_COMMIT
ARG SOURCE_DATE_EPOCH
RUN scripts/stage /stage

# Run stage: only what the binary loads. scripts/check-image (run by scripts/test) checks that
# every library `ldd` lists for the release binary comes from a package installed here.
# ca-certificates: the trust roots for HTTPS to the API (swift-nio-ssl reads /etc/ssl/certs).
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates libbsd0 libc6 libedit2 libgcc-s1 libmd0 libstdc++6 libtinfo6 zlib1g \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --create-home --home-dir /home/tfscript tfscript
COPY --from=build /stage/bin/tfscript /usr/local/bin/tfscript
COPY --from=build /stage/share/ /usr/local/share/
COPY --from=build /stage/LICENSE /stage/NOTICE /stage/THIRD_PARTY_LICENSES /stage/README.md /usr/share/doc/tfscript/
COPY --from=build /stage/examples/ /usr/share/doc/tfscript/examples/
USER 10001:10001
WORKDIR /home/tfscript
ENTRYPOINT ["tfscript"]
CMD ["--help"]
