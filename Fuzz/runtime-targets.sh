# Sourced by scripts/fuzz: the libFuzzer targets over the runtime library's
# decoders. Each is built from every Swift file of Sources/ZeroMQ (Generated/
# included) plus Fuzz/<target>.swift, as one module named ZeroMQ, so the
# targets reach internal functions; CZeroMQ's module map is found with -I and
# libzmq linked with -lzmq.
#
#   recv-string   ReceivedBytes.string (recvString, Message.string)
#   recv-int      ReceivedBytes.int32 / .int64 (recvInt, recvInt64)
#   monitor       MonitorEvent.decode and SocketMonitor.next over inproc
#   z85           Z85.decode / encode
#   curve         CurvePublicKey / CurveSecretKey (z85:, bytes:), CurveCertificate.parse
#   zap           ZAPRequest.parse(frames:)
runtime_sources="$(find Sources/ZeroMQ -name '*.swift' | sort | tr '\n' ' ')"
runtime_flags="-swift-version 6 -I Sources/CZeroMQ -lzmq -module-name ZeroMQ"
for runtime_target in recv-string recv-int monitor z85 curve zap; do
  sources[$runtime_target]="$runtime_sources Fuzz/Support/FuzzSupport.swift"
  flags[$runtime_target]=$runtime_flags
done
unset runtime_target

# A trap (a violated property) must reach libFuzzer's handler directly:
# Swift's own crash backtracer, run under AddressSanitizer, can stall and
# keep the log pipe open instead of letting libFuzzer write the reproducer.
export SWIFT_BACKTRACE=enable=no
