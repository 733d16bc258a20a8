# The `mandate` binary in a small image: built in a Rust image, run in a distroless one that
# holds the C library and CA certificates and no shell. Only the binary is copied in (and an
# empty, writable /data as the working directory). See docs/deploy.md.
#
#   docker build -t mandate .
#   docker run -p 8080:8080 -e DATABASE_URL=postgres://… -e MANDATE_PUBLIC_URL=https://… mandate

FROM rust:1.94-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin mandate \
 && install -D -m 0755 target/release/mandate /out/mandate \
 && mkdir -p /out/data

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/mandate /usr/local/bin/mandate
COPY --from=build --chown=65532:65532 /out/data /data
WORKDIR /data
# Inside a container, listen on every interface; the host or orchestrator decides who reaches it.
ENV MANDATE_LISTEN=0.0.0.0:8080
EXPOSE 8080
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/mandate"]
CMD ["serve"]
