/// Eight bytes looked at at once (SWAR), for a loop that passes over runs of ordinary bytes: the search for an
/// unsafe character in the last bytes of a text cell, fewer than the 16 its SSE2 loop takes.
enum ByteWords {
    /// 0x01 in every byte: `ones &* b` is `b` in every byte.
    @inline(__always) static var ones: UInt64 { 0x0101_0101_0101_0101 }

    /// 0x80 in each byte of `x` that is 0, 0 elsewhere (exact: no carry crosses a byte).
    @inline(__always)
    static func zeroBytes(_ x: UInt64) -> UInt64 {
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ~(((x & low7) &+ low7) | x | low7)
    }
}
