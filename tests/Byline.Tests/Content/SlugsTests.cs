using Byline.Content;

namespace Byline.Tests.Content;

public sealed class SlugsTests
{
    [Theory]
    [InlineData("Budget 2025: What changes for you", "budget-2025-what-changes-for-you")]
    [InlineData("India's economy grows", "indias-economy-grows")]
    [InlineData("India’s economy grows", "indias-economy-grows")]
    [InlineData("Café in Zürich wins naïve award", "cafe-in-zurich-wins-naive-award")]
    [InlineData("  spaces   around -- and --- dashes  ", "spaces-around-and-dashes")]
    [InlineData("ＡＢＣ ﬁnal", "abc-final")]
    [InlineData("UPPER lower", "upper-lower")]
    public void From_makes_lower_case_ascii_words_joined_by_single_hyphens(string text, string expected) =>
        Assert.Equal(expected, Slugs.From(text));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("!!! ??? ...")]
    [InlineData("भारत")]
    public void From_text_with_nothing_to_keep_gives_a_placeholder_slug(string text)
    {
        var slug = Slugs.From(text);
        Assert.NotEmpty(slug);
        Assert.True(Slugs.IsValid(slug), slug);
    }

    [Fact]
    public void From_long_text_stays_within_the_limit_and_ends_on_a_whole_word()
    {
        var text = string.Join(' ', Enumerable.Repeat("parliament", 30));
        var slug = Slugs.From(text);
        Assert.InRange(slug.Length, 1, Slugs.MaxLength);
        Assert.EndsWith("parliament", slug, StringComparison.Ordinal);
        Assert.True(Slugs.IsValid(slug), slug);
    }

    [Fact]
    public void From_respects_a_smaller_limit()
    {
        var slug = Slugs.From("one two three four five six seven eight nine ten eleven twelve", 30);
        Assert.True(slug.Length <= 30, slug);
        Assert.True(Slugs.IsValid(slug), slug);
    }

    [Theory]
    [InlineData("aaaaaaaaa bbbb", 10)]
    [InlineData("one two three four five six seven", 12)]
    [InlineData("breaking news from the capital tonight", 20)]
    public void From_never_exceeds_the_limit_it_is_given(string text, int limit)
    {
        var slug = Slugs.From(text, limit);
        Assert.True(slug.Length <= limit, $"'{slug}' is {slug.Length} characters, limit {limit}");
    }

    [Theory]
    [InlineData("Ünïcödé — “quotes” & <tags>")]
    [InlineData("a\u0000b\tc\nd")]
    [InlineData("😀 emoji headline 😀")]
    [InlineData("-leading and trailing-")]
    [InlineData("12345")]
    public void From_always_gives_a_valid_slug(string text) => Assert.True(Slugs.IsValid(Slugs.From(text)), Slugs.From(text));

    [Theory]
    [InlineData("a", true)]
    [InlineData("story-2025", true)]
    [InlineData("123", true)]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("-story", false)]
    [InlineData("story-", false)]
    [InlineData("two--hyphens", false)]
    [InlineData("Story", false)]
    [InlineData("with space", false)]
    [InlineData("café", false)]
    [InlineData("slash/inside", false)]
    [InlineData("under_score", false)]
    public void IsValid_accepts_only_slugs_byline_would_make(string? slug, bool valid) => Assert.Equal(valid, Slugs.IsValid(slug));

    [Fact]
    public void IsValid_limits_length_to_200()
    {
        Assert.True(Slugs.IsValid(new string('a', 200)));
        Assert.False(Slugs.IsValid(new string('a', 201)));
    }

    [Theory]
    [InlineData("some-story-123", "some-story", 123)]
    [InlineData("123", "", 123)]
    [InlineData("a-1", "a", 1)]
    [InlineData("x-999999999", "x", 999999999)]
    [InlineData("story-2025-42", "story-2025", 42)]
    [InlineData("story-007", "story", 7)]
    public void TryParseArticleKey_splits_slug_and_id(string segment, string slug, int id)
    {
        Assert.True(Slugs.TryParseArticleKey(segment, out var parsedSlug, out var parsedId));
        Assert.Equal(slug, parsedSlug);
        Assert.Equal(id, parsedId);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("story")]
    [InlineData("story-")]
    [InlineData("story-0")]
    [InlineData("0")]
    [InlineData("story-abc")]
    [InlineData("story-12a")]
    [InlineData("story-+5")]
    [InlineData("story- 5")]
    [InlineData("story-1234567890")]
    [InlineData("story-99999999999")]
    [InlineData("story-٣")]
    [InlineData("story-５")]
    public void TryParseArticleKey_rejects_segments_without_a_positive_id(string? segment)
    {
        Assert.False(Slugs.TryParseArticleKey(segment, out _, out var id));
        Assert.Equal(0, id);
    }

    [Fact]
    public void TryParseArticleKey_rejects_overlong_segments()
    {
        var segment = new string('a', 300) + "-1";
        Assert.False(Slugs.TryParseArticleKey(segment, out _, out _));
    }

    [Fact]
    public void ArticlePath_joins_section_slug_and_id() =>
        Assert.Equal("/world/summit-ends-42", Slugs.ArticlePath("world", "summit-ends", 42));
}
