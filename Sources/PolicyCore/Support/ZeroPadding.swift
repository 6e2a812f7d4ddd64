extension String {
    /// Left-padded with zeros to `width` characters (dates, hex digits); longer text is kept.
    public func zeroPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
