// The inline escapes of the roff reader (see `Roff.decodeEscapes`).

/// Decodes escapes over an array of scalars with an explicit cursor; every
/// branch advances the cursor by at least one.
struct EscapeDecoder {
  private let scalars: [Unicode.Scalar]
  private var index = 0
  private var output = String.UnicodeScalarView()

  init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

  /// Named glyphs (`\(xx`, `\[xx]`) that appear in DocBook output, and a
  /// few common others.
  static let glyphs: [String: String] = [
    "cq": "\u{2019}", "oq": "\u{2018}", "aq": "'", "dq": "\"",
    "lq": "\u{201C}", "rq": "\u{201D}", "Bq": "\u{201E}", "bq": "\u{201A}",
    "em": "\u{2014}", "en": "\u{2013}", "hy": "-", "mi": "-", "ti": "~",
    "bu": "\u{2022}", "co": "\u{00A9}", "rg": "\u{00AE}", "tm": "\u{2122}",
    "lA": "\u{21D0}", "rA": "\u{21D2}", "<-": "\u{2190}", "->": "\u{2192}",
    "de": "\u{00B0}", "+-": "\u{00B1}", "mu": "\u{00D7}", "di": "\u{00F7}",
    "ha": "^", "rs": "\\", "sl": "/", "ba": "|", "at": "@", "sh": "#",
    "Do": "$", "lB": "[", "rB": "]", "lC": "{", "rC": "}", "la": "\u{27E8}",
    "ra": "\u{27E9}", "ga": "`", "aa": "\u{00B4}", "oe": "\u{0153}", "ss": "\u{00DF}",
    "Fo": "\u{00AB}", "Fc": "\u{00BB}", "fo": "\u{2039}", "fc": "\u{203A}",
    ">=": "\u{2265}", "<=": "\u{2264}", "!=": "\u{2260}", "==": "\u{2261}",
    "sp": " ", "ul": "_", "ru": "_", "br": "|", "dg": "\u{2020}", "pc": "\u{00B7}",
  ]

  /// Strings (`\*x`, `\*(xx`, `\*[name]`) defined by DocBook's preamble or
  /// by the man macros; unknown ones expand to nothing.
  static let strings: [String: String] = [
    "Aq": "'", "R": "\u{00AE}", "S": "", "lq": "\u{201C}", "rq": "\u{201D}", "Tm": "\u{2122}",
  ]

  mutating func decode() -> String {
    while index < scalars.count {
      let scalar = scalars[index]
      index += 1
      if scalar != "\\" {
        output.append(scalar)
        continue
      }
      guard index < scalars.count else { break }  // trailing `\`: line continuation
      let escape = scalars[index]
      index += 1
      switch escape {
      case "\"", "#":
        return String(output)  // comment to end of line
      case "&", "%", "|", "^", ":", "c", ")", "d", "u", "r", "a", "E", "z", "p", "{", "}":
        // Zero-width and layout escapes. (`\z` would overstrike the next
        // character; dropping the escape keeps the character.)
        break
      case "-":
        output.append("-")
      case "e", "\\":
        output.append("\\")
      case " ", "~", "0":
        output.append("\u{00A0}")
      case "t":
        output.append("\t")
      case ".", "'", "`":
        output.append(escape == "'" ? "\u{00B4}" : escape)
      case "(":
        let name = take(2)
        appendGlyph(name)
      case "[":
        let name = takeBracketed()
        appendGlyph(name)
      case "*":
        let name = takeName()
        output.append(contentsOf: Self.strings[name, default: ""].unicodeScalars)
      case "f", "F", "g", "k", "m", "M", "n", "V", "Y":
        // Font, colour, register and environment references: dropped.
        _ = takeName()
      case "s":
        skipSize()
      case "h", "v", "w", "o", "b", "l", "L", "D", "N", "x", "X", "A", "B", "C", "R", "Z", "H", "S", "T", "U", "j":
        // Delimited arguments: \X'…'. `\C'name'` and `\N'n'` name glyphs;
        // we keep `\C` names we know and drop the rest.
        let argument = takeDelimited()
        if escape == "C" { appendGlyph(argument) }
      default:
        output.append(escape)
      }
    }
    return String(output)
  }

  private mutating func appendGlyph(_ name: String) {
    if let glyph = Self.glyphs[name] {
      output.append(contentsOf: glyph.unicodeScalars)
    } else if name.hasPrefix("u"), name.count > 1, let code = UInt32(name.dropFirst(), radix: 16),
      let scalar = Unicode.Scalar(code)
    {
      output.append(scalar)  // groff's \[uXXXX]
    } else if name.unicodeScalars.count == 1 {
      output.append(contentsOf: name.unicodeScalars)
    }
  }

  /// Up to `count` scalars (fewer at the end of the line).
  private mutating func take(_ count: Int) -> String {
    let end = min(index + count, scalars.count)
    let text = String(String.UnicodeScalarView(scalars[index..<end]))
    index = end
    return text
  }

  /// `[name]` up to the closing bracket or the end of the line.
  private mutating func takeBracketed() -> String {
    var name = String.UnicodeScalarView()
    while index < scalars.count {
      let scalar = scalars[index]
      index += 1
      if scalar == "]" { break }
      name.append(scalar)
    }
    return String(name)
  }

  /// The name after an escape that takes one: `x`, `(xx` or `[name]`.
  private mutating func takeName() -> String {
    guard index < scalars.count else { return "" }
    let first = scalars[index]
    index += 1
    switch first {
    case "(": return take(2)
    case "[": return takeBracketed()
    default: return String(first)
    }
  }

  /// `\s` size changes: `\sN`, `\s±N`, `\s(NN`, `\s±(NN`, `\s[N]`, `\s'N'`.
  private mutating func skipSize() {
    if index < scalars.count, scalars[index] == "+" || scalars[index] == "-" { index += 1 }
    guard index < scalars.count else { return }
    switch scalars[index] {
    case "(":
      index += 1
      _ = take(2)
    case "[":
      index += 1
      _ = takeBracketed()
    case "'":
      _ = takeDelimited()
    default:
      if scalars[index].properties.numericType != nil { index += 1 }
    }
  }

  /// `'…'` (or any delimiter) up to the matching delimiter or the end of
  /// the line.
  private mutating func takeDelimited() -> String {
    guard index < scalars.count else { return "" }
    let delimiter = scalars[index]
    index += 1
    var text = String.UnicodeScalarView()
    while index < scalars.count {
      let scalar = scalars[index]
      index += 1
      if scalar == delimiter { break }
      text.append(scalar)
    }
    return String(text)
  }
}
