// libFuzzer target: the generator's man-page reader (roff → option rows).
// Any bytes must read without a crash or a hang; built by scripts/fuzz
// together with Generator/BindgenCore's sources.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManPage(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  let page = ManPageReader.read(text)
  _ = OptionTableBuilder(
    socketSetPage: page, socketGetPage: page, contextSetPage: page, contextGetPage: page,
    header: nil, overrides: []
  ).build()
  return 0
}
