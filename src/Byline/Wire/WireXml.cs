using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Byline.Wire;

/// <summary>
/// XML as the wire reads it: DTDs prohibited (no external entities, no entity expansion — XXE and billion
/// laughs end at the DOCTYPE), no resolver, and a character cap.
/// </summary>
internal static class WireXml
{
    public static XDocument Load(byte[] bytes)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersFromEntities = 1024,
            MaxCharactersInDocument = bytes.LongLength * 4 + 1024,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
        };
        using var stream = new MemoryStream(bytes, writable: false);
        using var reader = XmlReader.Create(stream, settings);
        return XDocument.Load(reader, LoadOptions.None);
    }

    /// <summary>Why a document could not be read, in words an admin can act on.</summary>
    public static string Why(XmlException e) =>
        e.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase)
            ? "the document declares a DTD, which the wire refuses (external entities, entity expansion)"
            : "the document is not well-formed XML: " + e.Message;

    public static XElement? Child(this XElement e, string localName) => e.Elements().FirstOrDefault(x => x.Name.LocalName == localName);

    public static IEnumerable<XElement> Children(this XElement e, string localName) => e.Elements().Where(x => x.Name.LocalName == localName);

    public static string Text(this XElement? e) => e?.Value.Trim() ?? "";

    public static string? Attr(this XElement? e, string name) => e?.Attribute(name)?.Value.Trim();

    public static DateTime? Time(string? text) =>
        !string.IsNullOrWhiteSpace(text) && DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t.UtcDateTime : null;

    /// <summary>Inner markup of an element (an XHTML body), namespaces dropped so the sanitiser sees plain HTML.</summary>
    public static string InnerHtml(XElement e)
    {
        var copy = new XElement(e);
        foreach (var node in copy.DescendantsAndSelf())
        {
            node.Name = node.Name.LocalName;
            node.Attributes().Where(a => a.IsNamespaceDeclaration).Remove();
        }
        return string.Concat(copy.Nodes().Select(n => n.ToString(SaveOptions.DisableFormatting)));
    }
}
