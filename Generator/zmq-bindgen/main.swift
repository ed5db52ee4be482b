import BindgenCore
import Foundation

let parser = HeaderParser(headerPath: CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "/usr/include/zmq.h")
let model = try parser.parse()
print(model.macros.count, model.functions.count, model.structs.count, model.typedefs.count)
for m in model.macros { print(m.name, m.line, m.availability, m.value) }
for d in model.diagnostics { print(d) }
print(model.systemIntegers.count, model.systemIntegers["EAGAIN"] as Any)
for f in model.functions.prefix(5) { print(f) }
print(model.structs, model.typedefs)
