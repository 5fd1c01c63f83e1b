import PARCore

/// The index over the years as an SVG line chart drawn on the server (as `Charts` draws a cycle's):
/// one line per series, 0–100 % upwards, one column per year, in integer arithmetic on hundredths.
enum HistoryChart {
    /// One line of the chart: its name in the legend and its value each year (nil: not scored that year).
    struct Series {
        let name: String
        let values: [Points?]
    }

    static let width = 720
    static let plotLeft = 48
    static let plotTop = 30
    static let plotHeight = 200
    static let colours = ["#0b5cad", "#b3541e", "#2a7d4f", "#6d597a"]

    static func lines(years: [Int], series: [Series], title: String) -> String {
        let plotWidth = width - plotLeft - 24
        let step = years.count > 1 ? plotWidth / (years.count - 1) : 0
        let x = { (column: Int) in plotLeft + (years.count > 1 ? column * step : plotWidth / 2) }
        let y = { (value: Points) in
            plotTop + plotHeight - Int(max(0, min(value.hundredths, 10_000)) * Int64(plotHeight) / 10_000)
        }
        let height = plotTop + plotHeight + 40 + series.count * 18
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 \(width) \(height)\" width=\"100%\" "
            + "class=\"chart\" font-size=\"12\" font-family=\"sans-serif\"><title>\(Charts.escape(title))</title>"
            + "<text x=\"0\" y=\"14\" font-weight=\"bold\">\(Charts.escape(title))</text>"
        for percent in stride(from: 0, through: 100, by: 25) {
            let lineY = y(Points(hundredths: Int64(percent) * 100))
            svg +=
                "<line x1=\"\(plotLeft)\" y1=\"\(lineY)\" x2=\"\(plotLeft + plotWidth)\" y2=\"\(lineY)\" stroke=\"#ccc\"/>"
            svg += "<text x=\"\(plotLeft - 6)\" y=\"\(lineY + 4)\" text-anchor=\"end\">\(percent)</text>"
        }
        for (column, year) in years.enumerated() {
            svg +=
                "<text x=\"\(x(column))\" y=\"\(plotTop + plotHeight + 18)\" text-anchor=\"middle\">\(year)</text>"
        }
        for (number, line) in series.enumerated() {
            let colour = colours[number % colours.count]
            let points = line.values.enumerated().compactMap { column, value in value.map { (x(column), y($0), $0) } }
            if points.count > 1 {
                let path = points.map { "\($0.0),\($0.1)" }.joined(separator: " ")
                svg += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"/>"
            }
            for point in points {
                svg += "<circle cx=\"\(point.0)\" cy=\"\(point.1)\" r=\"4\" fill=\"\(colour)\"/>"
                svg +=
                    "<text x=\"\(point.0)\" y=\"\(point.1 - 8)\" text-anchor=\"middle\">"
                    + "\(Charts.escape(Vietnamese.number(point.2.description)))</text>"
            }
            let legendY = plotTop + plotHeight + 40 + number * 18
            svg += "<rect x=\"\(plotLeft)\" y=\"\(legendY - 10)\" width=\"12\" height=\"12\" fill=\"\(colour)\"/>"
            svg += "<text x=\"\(plotLeft + 18)\" y=\"\(legendY)\">\(Charts.escape(line.name))</text>"
        }
        return svg + "</svg>"
    }
}
