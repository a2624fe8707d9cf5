# A static ferrostack binary on an empty base image.
#
#   docker build -t ferrostack .
#   docker run -p 4566:4566 ferrostack
#
# The build uses the committed generated/ crates (no Smithy models needed), the same
# `cargo build --release` as the README, for the musl target so the binary is static.
# musl-tools brings the C compiler that ring (TLS for SNS's https deliveries) and mimalloc need.
# .cargo/config.toml makes the musl build a plain static executable (no start-up relocations).
FROM rust:1-bookworm AS build
RUN rustup target add x86_64-unknown-linux-musl && apt-get update && apt-get install -y --no-install-recommends musl-tools && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin ferrostack --target x86_64-unknown-linux-musl \
    && cp target/x86_64-unknown-linux-musl/release/ferrostack /ferrostack

FROM scratch
COPY --from=build /ferrostack /ferrostack
COPY LICENSE /LICENSE
# Public CAs, for SNS deliveries to https:// endpoints (SSL_CERT_FILE replaces them).
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ENV GATEWAY_LISTEN=0.0.0.0:4566
EXPOSE 4566
ENTRYPOINT ["/ferrostack"]
