/// The two languages of every message, title and report: 中文 and English.
public enum Language: String, Sendable, CaseIterable {
    case zh, en

    /// The language named by a `LANG`-style locale string (`zh_CN.UTF-8`, `en_US`), else Chinese.
    public static func fromLocale(_ locale: String?) -> Language {
        guard let locale = locale?.lowercased() else { return .zh }
        return locale.hasPrefix("en") ? .en : .zh
    }
}

/// A text in both languages.
public struct Bilingual: Sendable, Hashable {
    public var zh: String
    public var en: String
    public init(_ zh: String, _ en: String) { self.zh = zh; self.en = en }
    public subscript(language: Language) -> String { language == .zh ? zh : en }
}
