import CUTF8
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The encodings a survey file may be in.
public enum TextEncoding: String, Sendable, Hashable {
    case utf8 = "utf-8"
    case utf8BOM = "utf-8-bom"
    case gb18030 = "gb18030"

    public var label: String {
        switch self {
        case .utf8: "UTF-8"
        case .utf8BOM: "UTF-8 (BOM)"
        case .gb18030: "GB18030/GBK"
        }
    }
}

/// A byte that could not be decoded: where it is in the file and on which physical line.
public struct DecodingIssue: Sendable, Hashable {
    /// 0-based offset of the byte in the file.
    public let offset: Int
    public let line: Int
    public let byte: UInt8
}

/// Strict UTF-8 checking that can be fed a file in chunks.
public struct UTF8Validator {
    /// Bytes of a sequence cut by the end of the previous chunk.
    private var carry: [UInt8] = []
    public private(set) var isValid = true

    public init() {}

    /// Length of the valid UTF-8 sequence at `p[i]` (1...4), 0 if invalid, or -1 if cut short by `n`.
    @inline(__always)
    static func sequenceLength(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> Int {
        let b0 = p[i]
        if b0 < 0x80 { return 1 }
        let len: Int
        var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
        switch b0 {
        case 0xC2...0xDF: len = 2
        case 0xE0: len = 3; lo = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: len = 3
        case 0xED: len = 3; hi = 0x9F
        case 0xF0: len = 4; lo = 0x90
        case 0xF1...0xF3: len = 4
        case 0xF4: len = 4; hi = 0x8F
        default: return 0
        }
        for k in 1..<len {
            guard i + k < n else { return -1 }
            let b = p[i + k]
            if k == 1 { if b < lo || b > hi { return 0 } } else if b < 0x80 || b > 0xBF { return 0 }
        }
        return len
    }

    /// The index of the first byte from `i` that is not part of an ASCII run or of a common three-byte
    /// character (a lead byte E1–EC or EE–EF and two continuation bytes, most Chinese): the validator and the
    /// lossy decoder check only from there, with `sequenceLength`.
    @inline(__always)
    static func skipCommon(_ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int) -> Int {
        let high: UInt64 = 0x8080_8080_8080_8080
        var i = start
        while i < n {
            // ASCII runs, 32 and then eight bytes at a time.
            while i + 32 <= n {
                let r = UnsafeRawPointer(p + i)
                let any = r.loadUnaligned(as: UInt64.self) | r.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                    | r.loadUnaligned(fromByteOffset: 16, as: UInt64.self) | r.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
                if any & high != 0 { break }
                i += 32
            }
            while i + 8 <= n && UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self) & high == 0 { i += 8 }
            if i >= n { return n }
            let b0 = p[i]
            if b0 < 0x80 { i += 1; continue }
            if i + 2 < n && ((b0 >= 0xE1 && b0 <= 0xEC) || b0 >= 0xEE && b0 <= 0xEF)
                && p[i + 1] & 0xC0 == 0x80 && p[i + 2] & 0xC0 == 0x80 {
                i += 3
                continue
            }
            return i
        }
        return n
    }

    /// Checks the next chunk. Returns false as soon as the input is known not to be UTF-8.
    public mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>) -> Bool {
        guard isValid, let base = chunk.baseAddress else { return isValid }
        var start = 0
        if !carry.isEmpty {
            // Complete the cut sequence with the first bytes of this chunk.
            let need = min(4 - carry.count, chunk.count)
            var joined = carry + Array(UnsafeBufferPointer(start: base, count: need))
            let len = joined.withUnsafeMutableBufferPointer { Self.sequenceLength($0.baseAddress!, 0, $0.count) }
            if len == 0 { isValid = false; return false }
            if len < 0 { carry = joined; joined = []; return true }
            start = len - carry.count
            carry = []
        }
        let n = chunk.count
        // The chunk up to the start of a character its end may cut is checked at once by simdjson's SIMD
        // validator (a 1M-row file: 0.15 s of CPU in the byte loop below, 0.04 s there); the rest, at most
        // three bytes, by the loop, which keeps a cut character for the next chunk.
        let whole = Self.lastWholeCharacterEnd(base, from: start, to: n)
        if whole > start && !ipsurvey_utf8_valid(base + start, whole - start) { isValid = false; return false }
        var i = whole
        while i < n {
            i = Self.skipCommon(base, i, n)
            if i >= n { break }
            let len = Self.sequenceLength(base, i, n)
            if len == 0 { isValid = false; return false }
            if len < 0 { carry = Array(UnsafeBufferPointer(start: base + i, count: n - i)); break }
            i += len
        }
        return true
    }

    /// Where the bytes `p[start..<n]` stop being whole characters: `n`, or the lead byte of a sequence the end
    /// cuts (its length, read from the lead byte, runs past `n`). Only the last four bytes are looked at: a longer
    /// run of continuation bytes is invalid whatever comes next, and the validator says so.
    @inline(__always)
    static func lastWholeCharacterEnd(_ p: UnsafePointer<UInt8>, from start: Int, to n: Int) -> Int {
        var k = n - 1
        while k >= start && k >= n - 4 && p[k] & 0xC0 == 0x80 { k -= 1 }
        guard k >= start && k >= n - 4 else { return n }
        let b0 = p[k]
        let len = b0 < 0xC0 ? 1 : b0 < 0xE0 ? 2 : b0 < 0xF0 ? 3 : 4
        return k + len > n ? k : n
    }

    /// Ends the input: a sequence cut by the end of the file is invalid.
    public mutating func finish() -> Bool {
        if !carry.isEmpty { isValid = false }
        return isValid
    }
}

/// Turns the bytes of a file, chunk by chunk, into UTF-8 for the CSV parser, noting every byte it cannot decode.
public protocol Transcoder {
    /// Transcodes one chunk and hands the UTF-8 to `sink` (possibly in several pieces); each undecodable byte
    /// goes to `issue` before the UTF-8 that follows it goes to `sink`.
    mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, issue: (DecodingIssue) -> Void, _ sink: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows
    mutating func finish(issue: (DecodingIssue) -> Void, _ sink: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows
}

/// Tracks file offsets and physical lines (LF count) for issue positions.
///
/// Within a chunk the undecodable bytes are asked about in increasing order, so the line of each is found by
/// counting on from the previous one: linear in the chunk however many bad bytes it holds. (Counting from the
/// chunk's start for every bad byte made a megabyte of 0xFF take more than five minutes.)
struct LineCounter {
    var offset = 0
    var linesBefore = 1
    /// How far into the current chunk the lines were counted, and the line there.
    private var counted = 0
    private var lineAtCounted = 1

    /// The line of byte `i` of the current chunk (which starts at `offset`).
    mutating func line(of i: Int, in p: UnsafePointer<UInt8>) -> Int {
        if i < counted { counted = 0; lineAtCounted = linesBefore }
        var l = lineAtCounted
        for k in counted..<i where p[k] == 0x0A { l += 1 }
        counted = i
        lineAtCounted = l
        return l
    }

    /// Moves past the first `count` bytes of the current chunk.
    mutating func advance(over p: UnsafePointer<UInt8>, count: Int) {
        var l = 0
        for k in 0..<count where p[k] == 0x0A { l += 1 }
        linesBefore += l
        offset += count
        counted = 0
        lineAtCounted = linesBefore
    }
}

/// UTF-8, with each invalid byte replaced by U+FFFD and reported. Valid runs go to the sink where they lie
/// (no copy), so a valid file costs one scan of each chunk, in cache, before it is parsed.
public struct UTF8Lossy: Transcoder {
    /// A sequence cut by the end of the previous chunk (at most three bytes).
    private var carry: [UInt8] = []
    private var lines = LineCounter()
    public init() {}

    public mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, issue: (DecodingIssue) -> Void, _ sink: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        if carry.isEmpty {
            try convert(chunk, final: false, issue, sink)
        } else {
            // Rare enough (a character across a 1 MiB boundary) that copying the chunk is simplest.
            let joined = carry + Array(chunk)
            carry = []
            try joined.withUnsafeBufferPointer { try convert($0, final: false, issue, sink) }
        }
    }

    public mutating func finish(issue: (DecodingIssue) -> Void, _ sink: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        let rest = carry
        carry = []
        try rest.withUnsafeBufferPointer { try convert($0, final: true, issue, sink) }
    }

    private static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    private mutating func convert(_ input: UnsafeBufferPointer<UInt8>, final: Bool, _ issue: (DecodingIssue) -> Void,
                                  _ sink: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        guard let p = input.baseAddress, input.count > 0 else { return }
        let n = input.count
        var i = 0, run = 0, used = n       // valid bytes from `run` to `i` go to the sink in one piece
        while i < n {
            i = UTF8Validator.skipCommon(p, i, n)
            if i >= n { break }
            let len = UTF8Validator.sequenceLength(p, i, n)
            if len < 0 && !final { used = i; break }
            if len <= 0 {
                if i > run { try sink(UnsafeBufferPointer(start: p + run, count: i - run)) }
                issue(DecodingIssue(offset: lines.offset + i, line: lines.line(of: i, in: p), byte: p[i]))
                try Self.replacement.withUnsafeBufferPointer { try sink($0) }
                i += 1
                run = i
            } else {
                i += len
            }
        }
        let end = min(i, used)
        if end > run { try sink(UnsafeBufferPointer(start: p + run, count: end - run)) }
        lines.advance(over: p, count: used)
        if used < n { carry = Array(UnsafeBufferPointer(start: p + used, count: n - used)) }
    }
}

/// Counts, in bytes that are not strict UTF-8, the valid multi-byte UTF-8 characters and the invalid bytes:
/// how `SurveyFile.detectEncoding` tells a UTF-8 file with a few damaged bytes from a GBK file. In GBK
/// Chinese text only about one character in seven happens to look like UTF-8, so valid characters stay well
/// under the invalid bytes; in damaged UTF-8 they outnumber them many times.
struct UTF8Census {
    private(set) var valid = 0
    private(set) var invalid = 0
    private var carry: [UInt8] = []
    /// The first line (the header) on its own: nil until its end is seen; else whether it holds non-ASCII
    /// characters and all of them are valid UTF-8. Chinese column titles decide on their own, whatever the rows.
    private(set) var header: (nonASCII: Bool, valid: Bool)? = nil
    private var headerNonASCII = false, headerInvalid = false, inHeader = true

    mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>) {
        if carry.isEmpty { count(chunk, final: false) } else {
            let joined = carry + Array(chunk)
            carry = []
            joined.withUnsafeBufferPointer { count($0, final: false) }
        }
    }

    mutating func finish() {
        let rest = carry
        carry = []
        rest.withUnsafeBufferPointer { count($0, final: true) }
    }

    private mutating func count(_ input: UnsafeBufferPointer<UInt8>, final: Bool) {
        guard let p = input.baseAddress else { return }
        let n = input.count
        var i = 0
        while i < n {
            if p[i] < 0x80 {
                if inHeader && p[i] == 0x0A { inHeader = false; header = (headerNonASCII, !headerInvalid) }
                i += 1
                continue
            }
            let len = UTF8Validator.sequenceLength(p, i, n)
            if len < 0 && !final { carry = Array(UnsafeBufferPointer(start: p + i, count: n - i)); return }
            if inHeader { headerNonASCII = true; if len <= 0 { headerInvalid = true } }
            if len <= 0 { invalid += 1; i += 1 } else { valid += 1; i += len }
        }
        if final && inHeader { inHeader = false; header = (headerNonASCII, !headerInvalid) }
    }

    /// Read as UTF-8 when a header with Chinese titles is valid UTF-8, or (a header in ASCII) when valid
    /// characters outnumber invalid bytes at least eight to one.
    static let ratio = 8
    var isMostlyUTF8: Bool {
        if let header, header.nonASCII { return header.valid }
        return valid >= Self.ratio * max(invalid, 1)
    }
    /// Enough seen to decide: the header's non-ASCII titles, or, after an ASCII header, clearly not UTF-8
    /// (GBK text gets there within its first lines).
    var decided: Bool {
        if let header { return header.nonASCII || (invalid >= 64 && valid < Self.ratio * invalid / 4) }
        return false
    }
}

/// GB18030 (and GBK, its subset) through glibc's iconv, which is 4× faster than Foundation's decoder and
/// tells where a bad byte is. A lone 0x80 is taken as € the way Windows code page 936 writes it.
public final class GB18030Transcoder: Transcoder {
    private let cd: iconv_t
    private var carry: [UInt8] = []
    private var lines = LineCounter()
    private var out = [UInt8](repeating: 0, count: 1 << 20)

    public init?() {
        let cd = iconv_open("UTF-8", "GB18030")
        if cd == iconv_t(bitPattern: -1) { return nil }
        self.cd = cd!
    }

    deinit { iconv_close(cd) }

    public func feed(_ chunk: UnsafeBufferPointer<UInt8>, issue: (DecodingIssue) -> Void, _ sink: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        if carry.isEmpty {
            try convert(chunk, final: false, issue, sink)
        } else {
            let joined = carry + Array(chunk)
            carry = []
            try joined.withUnsafeBufferPointer { try convert($0, final: false, issue, sink) }
        }
    }

    public func finish(issue: (DecodingIssue) -> Void, _ sink: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        let rest = carry
        carry = []
        try rest.withUnsafeBufferPointer { try convert($0, final: true, issue, sink) }
    }

    private func convert(_ input: UnsafeBufferPointer<UInt8>, final: Bool, _ issue: (DecodingIssue) -> Void, _ sink: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        guard let base = input.baseAddress, input.count > 0 else { return }
        let total = input.count
        var consumed = 0
        let outCount = out.count
        try out.withUnsafeMutableBufferPointer { outBuf in
            let outBase = outBuf.baseAddress!
            while consumed < total {
                var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(mutating: base + consumed).assumingMemoryBound(to: CChar.self)
                var inLeft = total - consumed
                var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBase).assumingMemoryBound(to: CChar.self)
                var outLeft = outCount
                let result = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                let err = result == -1 ? errno : 0
                let produced = outCount - outLeft
                let newConsumed = total - inLeft
                if produced > 0 { try sink(UnsafeBufferPointer(start: outBase, count: produced)) }
                consumed = newConsumed
                if result != -1 || err == E2BIG { continue }
                if err == EINVAL && !final {
                    // A character cut by the end of the chunk: keep it for the next one.
                    carry = Array(UnsafeBufferPointer(start: base + consumed, count: total - consumed))
                    break
                }
                // EILSEQ (or a cut character at the end of the file): one byte cannot be decoded.
                let bad = base[consumed]
                if bad == 0x80 && err == EILSEQ {
                    let euro: [UInt8] = [0xE2, 0x82, 0xAC]
                    try euro.withUnsafeBufferPointer { try sink($0) }
                } else {
                    issue(DecodingIssue(offset: lines.offset + consumed, line: lines.line(of: consumed, in: base), byte: bad))
                    let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
                    try replacement.withUnsafeBufferPointer { try sink($0) }
                }
                consumed += 1
            }
        }
        // Lines are counted over the bytes actually consumed (carry is counted with the next chunk).
        lines.advance(over: base, count: consumed)
    }
}

extension GB18030Transcoder {
    /// Encodes UTF-8 text as GB18030 (to write files the way Excel on a Chinese Windows does).
    public static func encode(_ text: String) -> [UInt8] {
        let cd = iconv_open("GB18030", "UTF-8")
        precondition(cd != iconv_t(bitPattern: -1), "iconv has no GB18030")
        defer { iconv_close(cd) }
        var input = Array(text.utf8)
        var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
        let produced: Int = input.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuf.baseAddress!).assumingMemoryBound(to: CChar.self)
                var inLeft = inBuf.count
                var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuf.baseAddress!).assumingMemoryBound(to: CChar.self)
                var outLeft = outBuf.count
                _ = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                return outBuf.count - outLeft
            }
        }
        return Array(output[..<produced])
    }
}
