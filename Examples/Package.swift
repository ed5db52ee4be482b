// swift-tools-version:6.0
//
// The example programs of swift-zeromq: the basic messaging patterns, each
// a small command-line program (see README.md in this folder).
//
// This is a package of its own that depends on the library the way any
// other package would, through the `ZeroMQ` product, so building it checks
// that the library is usable from outside. The dependency is the checkout
// this folder lives in; in your own package you would name the repository's
// URL instead:
//
//     .package(url: "https://github.com/<owner>/swift-zeromq", branch: "main")
import PackageDescription

let zeroMQ: Target.Dependency = .product(name: "ZeroMQ", package: "swift-zeromq")

/// One example: a program in Sources/<name>/ using ZeroMQ and the small
/// helpers of ExampleKit (command-line flags, deadlines).
func example(_ name: String) -> Target {
  .executableTarget(name: name, dependencies: [zeroMQ, "ExampleKit"])
}

let package = Package(
  name: "swift-zeromq-examples",
  dependencies: [
    .package(name: "swift-zeromq", path: "..")
  ],
  targets: [
    .target(name: "ExampleKit"),
    example("request-reply"),
    example("pubsub"),
    example("pipeline"),
    example("broker"),
    example("load-balancer"),
    example("lazy-pirate"),
  ],
  swiftLanguageModes: [.v6]
)
