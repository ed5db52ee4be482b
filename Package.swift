// swift-tools-version:6.2
//
// swift-zeromq: a ZeroMQ binding generated from the installed libzmq.
//
// Library users depend on the `ZeroMQ` product only: it needs libzmq and
// nothing else — no other package, no unsafe flags, no libclang. The
// generator that writes Sources/ZeroMQ/Generated is a package of its own in
// Generator/ (it needs libclang, swift-argument-parser and Yams), so a
// consumer of this package never resolves or builds any of it.
//
// Tools version 6.2: the async API runs on the caller's executor through
// `nonisolated(nonsending)`, which needs a Swift 6.2 compiler.
import PackageDescription

let package = Package(
  name: "swift-zeromq",
  products: [
    .library(name: "ZeroMQ", targets: ["ZeroMQ"])
  ],
  targets: [
    // MARK: The library
    // libzmq through pkg-config (Debian: libzmq3-dev, installed by scripts/bootstrap;
    // Homebrew: zeromq), so PKG_CONFIG_PATH can point the build at another libzmq
    // (scripts/test-libzmq does). Debian's libzmq.pc pulls in krb5-gssapi's
    // `-isystem /usr/include/mit-krb5`, which SwiftPM leaves out with a
    // "prohibited flag(s)" warning; zmq.h needs none of those flags.
    .systemLibrary(
      name: "CZeroMQ", path: "Sources/CZeroMQ", pkgConfig: "libzmq",
      providers: [.apt(["libzmq3-dev"]), .brew(["zeromq"])]),
    .target(name: "ZeroMQ", dependencies: ["CZeroMQ"], path: "Sources/ZeroMQ"),
    .testTarget(name: "ZeroMQTests", dependencies: ["ZeroMQ", "CZeroMQ"]),
    .testTarget(name: "ConformanceTests", dependencies: ["ZeroMQ", "CZeroMQ"]),
    // Against a peer nobody here wrote: pyzmq (Debian's python3-zmq), driven through peer.py.
    .testTarget(name: "InteropTests", dependencies: ["ZeroMQ"], resources: [.copy("peer.py")]),
    .executableTarget(name: "zmq-info", dependencies: ["ZeroMQ"]),

    // MARK: Benchmarks: libzmq's perf tools over the binding (bench/run compares them with bench/c)
    .executableTarget(name: "zmq-perf", dependencies: ["ZeroMQ", "ExampleSupport"], path: "Sources/zmq-perf"),

    // MARK: The forwarding example (the JavaScript zmq module's, in Swift): producer → forwarder → subscriber
    // What the programs share (flags, errors, signals, the C-library import); the library never depends on it.
    .target(name: "ExampleSupport", dependencies: ["ZeroMQ"]),
    .executableTarget(name: "zmq-forwarder", dependencies: ["ZeroMQ", "ExampleSupport"]),
    .executableTarget(name: "zmq-subscriber", dependencies: ["ZeroMQ", "ExampleSupport"]),
    .executableTarget(name: "zmq-producer", dependencies: ["ZeroMQ", "ExampleSupport"]),
    .testTarget(
      name: "ExampleTests", dependencies: ["zmq-forwarder", "zmq-subscriber", "zmq-producer", "zmq-lazy-pirate"]),

    // MARK: Reliability programs: leak soak, million-message load, Lazy Pirate REQ/REP under faults
    .executableTarget(name: "zmq-soak", dependencies: ["ZeroMQ", "ExampleSupport"]),
    .executableTarget(name: "zmq-load", dependencies: ["ZeroMQ", "ExampleSupport"]),
    .executableTarget(name: "zmq-lazy-pirate", dependencies: ["ZeroMQ", "ExampleSupport"]),
  ],
  swiftLanguageModes: [.v6]
)
