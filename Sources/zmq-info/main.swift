// zmq-info: what the linked libzmq is and can do, through the ZeroMQ library.
import ZeroMQ

print("libzmq version: \(ZMQ.version().map(String.init).joined(separator: "."))")
print("capabilities:")
for capability in Capability.all {
  print(
    "  \(capability.rawValue + String(repeating: " ", count: max(0, 8 - capability.rawValue.count))) \(ZMQ.has(capability) ? "yes" : "no")"
  )
}
