import Foundation

/// Builds an instance of a view-model type in which every list has exactly one element and every flag is true,
/// so the template lint can see every field the templates may name — also those inside lists that happen to be
/// empty in this year's data. It uses the types' `Decodable` conformance as a map of their fields.
enum Skeleton {
    static func make<T: Decodable>(_ type: T.Type) -> T {
        // The decoder below never throws.
        try! T(from: SkeletonDecoder())
    }
}

private struct SkeletonDecoder: Decoder {
    var codingPath: [CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] = [:]
    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(KeyedSkeleton<Key>())
    }
    func unkeyedContainer() throws -> UnkeyedDecodingContainer { UnkeyedSkeleton() }
    func singleValueContainer() throws -> SingleValueDecodingContainer { SingleSkeleton() }
}

private func placeholder<T: Decodable>(_ type: T.Type) throws -> T {
    if T.self == String.self { return "x" as! T }
    if T.self == Bool.self { return true as! T }
    if let integer = T.self as? any FixedWidthInteger.Type { return integer.init(0) as! T }
    if T.self == Double.self { return 0.0 as! T }
    if T.self == Float.self { return Float(0) as! T }
    return try T(from: SkeletonDecoder())
}

private struct KeyedSkeleton<Key: CodingKey>: KeyedDecodingContainerProtocol {
    var codingPath: [CodingKey] = []
    var allKeys: [Key] = []
    func contains(_ key: Key) -> Bool { true }
    func decodeNil(forKey key: Key) throws -> Bool { false }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try placeholder(type) }
    func nestedContainer<N: CodingKey>(keyedBy type: N.Type, forKey key: Key) throws -> KeyedDecodingContainer<N> {
        KeyedDecodingContainer(KeyedSkeleton<N>())
    }
    func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer { UnkeyedSkeleton() }
    func superDecoder() throws -> Decoder { SkeletonDecoder() }
    func superDecoder(forKey key: Key) throws -> Decoder { SkeletonDecoder() }
}

private struct UnkeyedSkeleton: UnkeyedDecodingContainer {
    var codingPath: [CodingKey] = []
    var count: Int? { 1 }
    var isAtEnd: Bool { currentIndex >= 1 }
    var currentIndex = 0
    mutating func decodeNil() throws -> Bool { false }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { currentIndex += 1; return try placeholder(type) }
    mutating func nestedContainer<N: CodingKey>(keyedBy type: N.Type) throws -> KeyedDecodingContainer<N> {
        currentIndex += 1; return KeyedDecodingContainer(KeyedSkeleton<N>())
    }
    mutating func nestedUnkeyedContainer() throws -> UnkeyedDecodingContainer { currentIndex += 1; return UnkeyedSkeleton() }
    mutating func superDecoder() throws -> Decoder { SkeletonDecoder() }
}

private struct SingleSkeleton: SingleValueDecodingContainer {
    var codingPath: [CodingKey] = []
    func decodeNil() -> Bool { false }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try placeholder(type) }
}
