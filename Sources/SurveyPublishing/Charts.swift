import Foundation
import SurveyCore

/// Bar charts as inline SVG, drawn by our code so the white paper needs no script and no network, prints
/// sharply, and is byte-for-byte reproducible. Every text is escaped as it is drawn.
public enum SVGChart {
    /// One bar: its category label, its value for the geometry (nil = suppressed or no data: no bar), and the
    /// formatted text printed at its end.
    public struct Bar: Sendable {
        public let label: String
        public let value: Double?
        public let text: String
        public init(label: String, value: Double?, text: String) { self.label = label; self.value = value; self.text = text }
    }

    static let font = "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC',sans-serif"
    static let barColour = "#1f5fa8"
    static let gridColour = "#d9dee6"

    /// Escapes text for SVG (XML) content and attribute values.
    public static func escape(_ s: String) -> String { XMLText.escape(s) }

    static func n(_ x: Double) -> String { String(format: "%.1f", x) }

    /// 0, step, 2·step … covering `maximum`, with step 1, 2 or 5 × 10ⁿ.
    static func ticks(_ maximum: Double, count: Int = 4) -> [Double] {
        guard maximum > 0 else { return [0, 1] }
        let raw = maximum / Double(count)
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        var out: [Double] = []
        var t = 0.0
        while t < maximum + step * 0.999 { out.append(t); t += step }
        return out
    }

    static func tickText(_ t: Double) -> String {
        t == t.rounded() ? NumberFormat.grouped(Decimal(Int64(t)), scale: 0) : String(format: "%g", t)
    }

    static func open(_ id: String, _ title: String, _ description: String, width: Int, height: Int) -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(width) \(height)" width="100%" role="img" aria-labelledby="\(id)-t \(id)-d" font-family="\(font)" font-size="12">\
        <title id="\(id)-t">\(escape(title))</title><desc id="\(id)-d">\(escape(description))</desc>
        """
    }

    static func describe(_ bars: [Bar]) -> String { bars.map { "\($0.label): \($0.text)" }.joined(separator: "; ") }

    /// Vertical bars (a trend over years): value axis on the left, categories along the bottom.
    public static func columns(id: String, title: String, valueAxis: String, categoryAxis: String, bars: [Bar]) -> Markup {
        let width = 640, height = 300
        let left = 78.0, right = 20.0, top = 24.0, bottom = 58.0
        let plotW = Double(width) - left - right, plotH = Double(height) - top - bottom
        let ts = ticks(bars.compactMap(\.value).max() ?? 0)
        let top_ = ts.last ?? 1
        var s = open(id, title, describe(bars), width: width, height: height)
        for t in ts {
            let y = top + plotH - plotH * t / top_
            s += "<line x1=\"\(n(left))\" y1=\"\(n(y))\" x2=\"\(n(left + plotW))\" y2=\"\(n(y))\" stroke=\"\(gridColour)\" stroke-width=\"1\"/>"
            s += "<text x=\"\(n(left - 6))\" y=\"\(n(y + 4))\" text-anchor=\"end\" fill=\"#444\">\(escape(tickText(t)))</text>"
        }
        let slot = plotW / Double(max(bars.count, 1))
        let barW = min(72, slot * 0.6)
        for (i, b) in bars.enumerated() {
            let cx = left + slot * (Double(i) + 0.5)
            if let v = b.value {
                let h = plotH * max(v, 0) / top_
                s += "<rect x=\"\(n(cx - barW / 2))\" y=\"\(n(top + plotH - h))\" width=\"\(n(barW))\" height=\"\(n(h))\" fill=\"\(barColour)\"/>"
                s += "<text x=\"\(n(cx))\" y=\"\(n(top + plotH - h - 5))\" text-anchor=\"middle\" fill=\"#222\">\(escape(b.text))</text>"
            } else {
                s += "<text x=\"\(n(cx))\" y=\"\(n(top + plotH - 5))\" text-anchor=\"middle\" fill=\"#888\">\(escape(b.text))</text>"
            }
            s += "<text x=\"\(n(cx))\" y=\"\(n(top + plotH + 18))\" text-anchor=\"middle\" fill=\"#222\">\(escape(b.label))</text>"
        }
        s += "<line x1=\"\(n(left))\" y1=\"\(n(top + plotH))\" x2=\"\(n(left + plotW))\" y2=\"\(n(top + plotH))\" stroke=\"#444\" stroke-width=\"1\"/>"
        s += "<text x=\"\(n(left + plotW / 2))\" y=\"\(n(Double(height) - 8))\" text-anchor=\"middle\" fill=\"#444\">\(escape(categoryAxis))</text>"
        s += "<text transform=\"translate(16 \(n(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\" fill=\"#444\">\(escape(valueAxis))</text>"
        return Markup(s + "</svg>")
    }

    /// Horizontal bars (shares, kinds, zones): categories down the left, value axis along the bottom.
    public static func bars(id: String, title: String, valueAxis: String, categoryAxis: String, bars: [Bar]) -> Markup {
        let width = 640
        let rowH = 28.0
        // Room for the longest category label (a CJK character is about 12 px wide at 12 px, Latin about 6.5).
        let labelWidth = bars.map { b in b.label.unicodeScalars.reduce(0.0) { $0 + ($1.value > 0x2E80 ? 12 : 6.6) } }.max() ?? 60
        let left = min(280, max(90, labelWidth + 40)), right = 90.0, top = 12.0, bottom = 46.0
        let height = Int(top + rowH * Double(max(bars.count, 1)) + bottom)
        let plotW = Double(width) - left - right, plotH = rowH * Double(max(bars.count, 1))
        let ts = ticks(bars.compactMap(\.value).max() ?? 0)
        let top_ = ts.last ?? 1
        var s = open(id, title, describe(bars), width: width, height: height)
        for t in ts {
            let x = left + plotW * t / top_
            s += "<line x1=\"\(n(x))\" y1=\"\(n(top))\" x2=\"\(n(x))\" y2=\"\(n(top + plotH))\" stroke=\"\(gridColour)\" stroke-width=\"1\"/>"
            s += "<text x=\"\(n(x))\" y=\"\(n(top + plotH + 16))\" text-anchor=\"middle\" fill=\"#444\">\(escape(tickText(t)))</text>"
        }
        for (i, b) in bars.enumerated() {
            let y = top + rowH * Double(i)
            s += "<text x=\"\(n(left - 8))\" y=\"\(n(y + rowH / 2 + 4))\" text-anchor=\"end\" fill=\"#222\">\(escape(b.label))</text>"
            let w = b.value.map { plotW * max($0, 0) / top_ } ?? 0
            if b.value != nil {
                s += "<rect x=\"\(n(left))\" y=\"\(n(y + 5))\" width=\"\(n(w))\" height=\"\(n(rowH - 10))\" fill=\"\(barColour)\"/>"
            }
            s += "<text x=\"\(n(left + w + 6))\" y=\"\(n(y + rowH / 2 + 4))\" fill=\"\(b.value == nil ? "#888" : "#222")\">\(escape(b.text))</text>"
        }
        s += "<line x1=\"\(n(left))\" y1=\"\(n(top))\" x2=\"\(n(left))\" y2=\"\(n(top + plotH))\" stroke=\"#444\" stroke-width=\"1\"/>"
        s += "<text x=\"\(n(left + plotW / 2))\" y=\"\(n(Double(height) - 8))\" text-anchor=\"middle\" fill=\"#444\">\(escape(valueAxis))</text>"
        s += "<text transform=\"translate(14 \(n(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\" fill=\"#444\">\(escape(categoryAxis))</text>"
        return Markup(s + "</svg>")
    }
}
