import CZstd
import Foundation
import GRDB

/// A stored file's bytes (schema v11): pieces in file order, each as read (`raw`) or compressed with Zstandard
/// (`zstd`, one frame that says its size). Survey returns are text and compress about 3.8 times at level 1
/// (1M rows: 254 MB → 66 MB in about 1 s of one core), and the bytes written were the larger half of an ingest's
/// writing: SQLite's copy of them, then the WAL and its checkpoint (schema v11 came before the rollback journal).
enum StoredBytes {
    /// Pieces smaller than this are stored as read (a header, a small file: not worth a frame).
    static let compressFrom = 64 << 10
    /// Zstandard's fastest regular level: compressing must keep pace with checking on the same thread.
    static let level: Int32 = 1

    /// How a piece's bytes are kept (the `codec` column).
    enum Codec: String {
        /// As read.
        case raw
        /// One Zstandard frame that states its size.
        case zstd
    }

    struct Piece {
        let size: Int
        let codec: Codec
        let bytes: [UInt8]
    }

    /// Compresses pieces for storing, one after another, with one reused context (not thread-safe).
    final class Compressor {
        private let context: OpaquePointer?

        init() { context = ZSTD_createCCtx() }
        deinit { ZSTD_freeCCtx(context) }

        /// The piece to store for `chunk`: compressed when that is smaller, else as read.
        func piece(_ chunk: UnsafeBufferPointer<UInt8>) -> Piece {
            if chunk.count >= StoredBytes.compressFrom, let context, let base = chunk.baseAddress {
                let bound = ZSTD_compressBound(chunk.count)
                // Written by Zstandard, so not zeroed first.
                let out = [UInt8](unsafeUninitializedCapacity: bound) { o, count in
                    let n = ZSTD_compressCCtx(context, o.baseAddress, bound, base, chunk.count, StoredBytes.level)
                    count = ZSTD_isError(n) == 0 ? n : 0
                }
                if !out.isEmpty && out.count < chunk.count { return Piece(size: chunk.count, codec: .zstd, bytes: out) }
            }
            return Piece(size: chunk.count, codec: .raw, bytes: Array(chunk))
        }
    }

    /// Why a stored file's bytes cannot be read back (a damaged or altered archive).
    struct Unreadable: Error {
        let reason: String
    }

    /// Calls `body` with a stored file's bytes, piece by piece in file order, decoded. Throws `Unreadable` when a
    /// piece does not decode to its recorded size, the pieces do not follow one another or do not add up to the
    /// file's `size`; nothing is read into memory beyond one piece.
    static func forEachPiece(_ db: Database, fileID: Int64, size fileSize: Int64,
                             _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let context = ZSTD_createDCtx()
        defer { ZSTD_freeDCtx(context) }
        var decoded = [UInt8]()
        var expected: Int64 = 0
        let pieces = try Row.fetchCursor(db, sql: "SELECT offset, size, codec, bytes FROM file_piece WHERE file_id = ? ORDER BY offset",
                                         arguments: [fileID])
        while let row = try pieces.next() {
            // Read without GRDB's conversions, which stop the process on a value of the wrong type.
            let offset = Int64.fromDatabaseValue(row[0] as DatabaseValue) ?? -1
            let size = Int64.fromDatabaseValue(row[1] as DatabaseValue) ?? -1
            let codecName = String.fromDatabaseValue(row[2] as DatabaseValue) ?? "?"
            guard offset == expected else {
                throw Unreadable(reason: "piece at byte \(offset), expected \(expected) / 第\(offset)字节处的片段，应为第\(expected)字节")
            }
            let bytes = row.dataNoCopy(atIndex: 3) ?? Data()
            switch Codec(rawValue: codecName) {
            case .raw:
                guard Int64(bytes.count) == size else {
                    throw Unreadable(reason: "piece at byte \(offset) holds \(bytes.count) bytes, recorded \(size) / 第\(offset)字节处的片段有\(bytes.count)字节，记录为\(size)")
                }
                try bytes.withUnsafeBytes(body)
            case .zstd:
                guard size >= 0, size <= Int64(Int32.max) else {
                    throw Unreadable(reason: "piece at byte \(offset) records \(size) bytes / 第\(offset)字节处的片段记录为\(size)字节")
                }
                if decoded.count < Int(size) { decoded = [UInt8](repeating: 0, count: Int(size)) }
                let n = bytes.withUnsafeBytes { src in
                    decoded.withUnsafeMutableBytes { dst in
                        // A frame must say its size and decode to exactly that: one larger is refused by the bound.
                        ZSTD_getFrameContentSize(src.baseAddress, src.count) == UInt64(size)
                            ? ZSTD_decompressDCtx(context, dst.baseAddress, Int(size), src.baseAddress, src.count)
                            : Int.max
                    }
                }
                guard n != Int.max, ZSTD_isError(n) == 0, n == Int(size) else {
                    throw Unreadable(reason: "piece at byte \(offset) does not decompress to its \(size) bytes / 第\(offset)字节处的片段无法解压为记录的\(size)字节")
                }
                try decoded.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[..<Int(size)])) }
            case nil:
                throw Unreadable(reason: "piece at byte \(offset) has the unknown codec \(codecName) / 第\(offset)字节处的片段编码未知")
            }
            expected += size
        }
        guard expected == fileSize else {
            throw Unreadable(reason: "pieces end at byte \(expected), the file has \(fileSize) / 片段止于第\(expected)字节，文件共\(fileSize)字节")
        }
    }

    /// A stored file's bytes, whole.
    static func content(_ db: Database, fileID: Int64, size: Int64) throws -> Data {
        var data = Data(capacity: Int(max(0, min(size, Int64(Int32.max)))))
        try forEachPiece(db, fileID: fileID, size: size) { data.append(contentsOf: $0) }
        return data
    }
}
