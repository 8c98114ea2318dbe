using Byline.Content;
using Byline.Publishing;

namespace Byline.Tests.Content;

/// <summary>The TextRank summariser behind a short's Suggest summary.</summary>
public sealed class ExtractiveSummaryTests
{
    // Three sentences about the river flood share words with one another; two asides share none.
    private const string Flood = """
        The river flood forced thousands of families from their homes in the valley.

        A local bakery celebrated its fiftieth anniversary with free cakes.

        Rescue teams reached the flooded valley homes by boat as the river kept rising. Officials said the flood waters in the valley would stay high for days.

        Separately, the chess club elected a new treasurer.
        """;

    [Fact]
    public void Picks_the_central_sentences_and_keeps_them_in_the_story_order()
    {
        var summary = ExtractiveSummary.Summarise(Flood, 40);

        Assert.StartsWith("The river flood forced thousands", summary, StringComparison.Ordinal);
        Assert.Contains("Rescue teams reached", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("bakery", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("chess", summary, StringComparison.Ordinal);
        Assert.True(summary.IndexOf("The river flood", StringComparison.Ordinal) < summary.IndexOf("Rescue teams", StringComparison.Ordinal));
    }

    [Fact]
    public void The_most_connected_sentence_ranks_highest()
    {
        var sentences = ExtractiveSummary.Sentences(Flood);
        var scores = ExtractiveSummary.Rank(sentences);

        var best = Array.IndexOf(scores, scores.Max());
        Assert.Contains("flood", sentences[best], StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1.0, scores.Sum(), 6);
        Assert.True(scores[1] < scores[best] && scores[^1] < scores[best]);
    }

    [Fact]
    public void Is_deterministic_and_never_over_the_limit()
    {
        var text = string.Join("\n\n", Enumerable.Range(0, 40).Select(i =>
            $"Paragraph {i} says the council met about the water supply and the new budget for roads. It also noted item {i} of the agenda."));

        var first = ExtractiveSummary.Summarise(text, FormatRules.ShortSummaryMaxWords);
        var second = ExtractiveSummary.Summarise(text, FormatRules.ShortSummaryMaxWords);

        Assert.Equal(first, second);
        Assert.InRange(FormatRules.CountWords(first), 1, FormatRules.ShortSummaryMaxWords);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\n  ")]
    [InlineData("## Only a heading")]
    public void An_empty_text_gives_an_empty_summary(string text) =>
        Assert.Equal("", ExtractiveSummary.Summarise(text, 60));

    [Fact]
    public void One_sentence_is_its_own_summary()
    {
        Assert.Equal("The mayor opened the bridge.", ExtractiveSummary.Summarise("The mayor opened the **bridge**.", 60));
    }

    [Fact]
    public void A_sentence_longer_than_the_limit_is_cut_to_it()
    {
        var summary = ExtractiveSummary.Summarise(string.Join(' ', Enumerable.Repeat("word", 100)) + ".", 60);

        Assert.Equal(60, FormatRules.CountWords(summary));
        Assert.EndsWith("…", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void A_huge_text_is_summarised_within_the_limit()
    {
        var rng = new Random(7);
        string[] vocabulary = ["market", "river", "council", "budget", "school", "train", "festival", "court", "price", "rain", "team", "minister"];
        var text = string.Join(' ', Enumerable.Range(0, 20_000).Select(i =>
            $"The {vocabulary[rng.Next(vocabulary.Length)]} and the {vocabulary[rng.Next(vocabulary.Length)]} met again in town number {i}."));

        var summary = ExtractiveSummary.Summarise(text, 60);

        Assert.InRange(FormatRules.CountWords(summary), 1, 60);
    }
}
