using Byline.Wire;

namespace Byline.Tests.Wire;

public sealed class SimHashTests
{
    [Fact]
    public void A_resent_story_with_a_word_changed_is_near_and_another_story_is_far()
    {
        var story = WireFeeds.Prose(500, 250);
        var words = story.Split(' ');
        words[120] = "harbour";
        var resent = string.Join(' ', words);

        var near = SimHash.Distance(SimHash.Of(story), SimHash.Of(resent));
        var far = SimHash.Distance(SimHash.Of(story), SimHash.Of(WireFeeds.Prose(501, 250)));

        Assert.InRange(near, 0, 6);
        Assert.InRange(far, 16, 64);
    }

    [Fact]
    public void Hashes_within_seven_bits_share_a_band_key()
    {
        var random = new Random(3);
        for (var n = 0; n < 200; n++)
        {
            var a = random.NextInt64();
            var b = a;
            foreach (var bit in Enumerable.Range(0, 64).OrderBy(_ => random.Next()).Take(random.Next(0, 8)))
            {
                b ^= 1L << bit;
            }
            Assert.NotEmpty(SimHash.Keys(a).Intersect(SimHash.Keys(b)));
        }
    }
}
