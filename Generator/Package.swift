// swift-tools-version:6.2
//
// zmq-bindgen: reads zmq.h through libclang and the spec tables in ../spec
// and writes the generated parts of the ZeroMQ library and of its tests.
// A package of its own, so that users of the library never resolve its
// dependencies; run it from the repository root:
//
//   swift run --package-path Generator zmq-bindgen generate
//
// (or `make generate`, `make check-generated`, `scripts/zmq-bindgen …`).
import PackageDescription

/// Where Debian 12's libclang-dev puts the clang-c headers.
let llvmInclude = "/usr/lib/llvm-14/include"
let clangFlags: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-I\(llvmInclude)"])]

let package = Package(
  name: "zmq-bindgen",
  products: [
    .executable(name: "zmq-bindgen", targets: ["zmq-bindgen"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
  ],
  targets: [
    .systemLibrary(name: "CClang", path: "CClang"),
    .target(
      name: "BindgenCore",
      dependencies: ["CClang", .product(name: "Yams", package: "Yams")],
      path: "BindgenCore",
      swiftSettings: clangFlags
    ),
    .executableTarget(
      name: "zmq-bindgen",
      dependencies: ["BindgenCore", .product(name: "ArgumentParser", package: "swift-argument-parser")],
      path: "zmq-bindgen",
      swiftSettings: clangFlags
    ),
    .testTarget(
      name: "BindgenCoreTests",
      dependencies: ["BindgenCore"],
      path: "Tests/BindgenCoreTests",
      resources: [.copy("Fixtures")],
      swiftSettings: clangFlags
    ),
  ],
  swiftLanguageModes: [.v6]
)
