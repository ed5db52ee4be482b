// swift-tools-version:6.0
//
// swift-zeromq: a ZeroMQ binding generated from the installed libzmq.
//
// Library users depend on the `ZeroMQ` product only: it needs libzmq and
// nothing else (no unsafe flags, no libclang). The generator targets
// (`CClang`, `BindgenCore`, `zmq-bindgen`) need libclang 14 and are only
// built by people who regenerate the bindings.
import PackageDescription

/// Where Debian 12's libclang-dev puts the clang-c headers.
let llvmInclude = "/usr/lib/llvm-14/include"
let clangFlags: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-I\(llvmInclude)"])]

let package = Package(
  name: "swift-zeromq",
  products: [
    .library(name: "ZeroMQ", targets: ["ZeroMQ"]),
    .executable(name: "zmq-bindgen", targets: ["zmq-bindgen"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    // `make docs`: swift package generate-documentation (a command plugin; not linked into anything).
    .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
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
    .executableTarget(name: "zmq-perf", dependencies: ["ZeroMQ"], path: "Sources/zmq-perf"),

    // MARK: The seed's full example: producer → forwarder → subscriber
    .target(name: "ExampleSupport", dependencies: ["ZeroMQ"]),
    .executableTarget(name: "zmq-forwarder", dependencies: ["ZeroMQ", "ExampleSupport"]),
    .executableTarget(name: "zmq-subscriber", dependencies: ["ZeroMQ", "ExampleSupport"]),
    .executableTarget(name: "zmq-producer", dependencies: ["ZeroMQ", "ExampleSupport"]),
    .testTarget(name: "ExampleTests", dependencies: ["zmq-forwarder", "zmq-subscriber", "zmq-producer", "zmq-lazy-pirate"]),

    // MARK: Reliability programs (issue 7): leak soak, million-message load, Lazy Pirate REQ/REP under faults
    .executableTarget(name: "zmq-soak", dependencies: ["ZeroMQ"]),
    .executableTarget(name: "zmq-load", dependencies: ["ZeroMQ"]),
    .executableTarget(name: "zmq-lazy-pirate", dependencies: ["ZeroMQ", "ExampleSupport"]),

    // MARK: The generator
    .systemLibrary(name: "CClang", path: "Generator/CClang"),
    .target(
      name: "BindgenCore",
      dependencies: ["CClang", .product(name: "Yams", package: "Yams")],
      path: "Generator/BindgenCore",
      swiftSettings: clangFlags
    ),
    .executableTarget(
      name: "zmq-bindgen",
      dependencies: ["BindgenCore", .product(name: "ArgumentParser", package: "swift-argument-parser")],
      path: "Generator/zmq-bindgen",
      swiftSettings: clangFlags
    ),
    .testTarget(
      name: "BindgenCoreTests",
      dependencies: ["BindgenCore"],
      resources: [.copy("Fixtures")],
      swiftSettings: clangFlags
    ),
  ],
  swiftLanguageModes: [.v6]
)
