using Byline.Search;

namespace Byline.Tests.Search;

public sealed class SearchSyntaxTests
{
    [Fact]
    public void Plain_words_are_and_ed_terms()
    {
        var q = SearchSyntax.Parse("Peace  talks");

        Assert.Equal(["peace", "talks"], q.Terms.Select(t => t.Words.Single()));
        Assert.Equal("(\"peace\" AND \"talks\")", SearchSyntax.ToFts5(q));
        Assert.Equal("('peace') & ('talks')", SearchSyntax.ToTsQuery(q));
    }

    [Fact]
    public void Phrase_prefix_and_exclusion_are_parsed()
    {
        var q = SearchSyntax.Parse("\"peace talks\" negot* -cricket");

        Assert.Equal(3, q.Terms.Count);
        Assert.True(q.Terms[0].IsPhrase);
        Assert.True(q.Terms[1].Prefix);
        Assert.True(q.Terms[2].Exclude);
        Assert.Equal("(\"peace talks\" AND \"negot\"*) NOT \"cricket\"", SearchSyntax.ToFts5(q));
        Assert.Equal("('peace' <-> 'talks') & ('negot':*) & !('cricket')", SearchSyntax.ToTsQuery(q));
    }

    [Theory]
    [InlineData("\"")]
    [InlineData("-")]
    [InlineData("*")]
    [InlineData("\"\"")]
    [InlineData("-cricket")]
    [InlineData("   ")]
    [InlineData("😀😀")]
    public void Input_without_anything_to_look_for_is_not_searchable(string input)
    {
        var q = SearchSyntax.Parse(input);

        Assert.False(q.IsSearchable);
        Assert.Equal("", SearchSyntax.ToFts5(q));
        Assert.Equal("", SearchSyntax.ToTsQuery(q));
    }

    [Theory]
    [InlineData("NEAR(a b)")]
    [InlineData("a OR b")]
    [InlineData("'; DROP TABLE \"Articles\"; --")]
    [InlineData("\"unbalanced quote")]
    [InlineData("col:value ^start {a b}:c")]
    [InlineData("a & b | !c <-> d:*")]
    [InlineData("שלום עולם")]
    [InlineData("नमस्ते दुनिया")]
    public void Engine_syntax_in_the_input_becomes_quoted_words(string input)
    {
        var q = SearchSyntax.Parse(input);
        var fts = SearchSyntax.ToFts5(q);
        var ts = SearchSyntax.ToTsQuery(q);

        Assert.True(q.IsSearchable);
        foreach (var word in q.Terms.SelectMany(t => t.Words))
        {
            Assert.All(word, c => Assert.True(char.IsLetterOrDigit(c) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark));
        }
        Assert.DoesNotContain("'", fts, StringComparison.Ordinal);
        Assert.DoesNotContain(";", ts, StringComparison.Ordinal);
    }

    [Fact]
    public void Short_prefixes_and_prefixes_past_the_limit_are_plain_words()
    {
        var q = SearchSyntax.Parse("a* e* harb* negot* council* ab*");

        Assert.Equal([false, false, true, true, false, false], q.Terms.Select(t => t.Prefix));
        Assert.Equal(SearchSyntax.MaxPrefixTerms, q.Terms.Count(t => t.Prefix));
        Assert.Equal("(\"a\" AND \"e\" AND \"harb\"* AND \"negot\"* AND \"council\" AND \"ab\")", SearchSyntax.ToFts5(q));
    }

    [Fact]
    public void Ten_thousand_characters_are_cut_to_a_bounded_query()
    {
        var q = SearchSyntax.Parse(string.Join(' ', Enumerable.Repeat("word", 2500)));

        Assert.True(q.Terms.Count <= SearchSyntax.MaxTerms);
    }

    [Fact]
    public void Marks_become_html_with_the_text_encoded()
    {
        var html = SearchMarkup.ToHtml($"<b>bold</b> {SearchMarkup.Start}peace{SearchMarkup.End} & talks");

        Assert.Equal("&lt;b&gt;bold&lt;/b&gt; <mark>peace</mark> &amp; talks", html);
    }
}
