using Byline.Content;
using System.Globalization;
using System.Text;

namespace Byline.Demo;

/// <summary>A generated story before it meets the database: text, where it belongs and who wrote it.</summary>
internal sealed record DemoStory(
    string Headline,
    string Standfirst,
    IReadOnlyList<DemoPart> Parts,
    int LeafIndex,
    IReadOnlyList<string> TagNames,
    string AuthorBeat,
    bool ByDesk,
    int AuthorCount,
    string Attribution,
    int ImagePick,
    bool HasLeadImage,
    DateTime PublishedAt,
    DateTime? UpdatedAt);

/// <summary>
/// Writes news copy from the phrase banks. Every story is a pure function of (seed, index, time):
/// the same inputs give the same story on any machine, and stories can be written in parallel.
/// </summary>
internal static class StoryWriter
{
    public const int MinParagraphs = 8;
    public const int MaxParagraphs = 20;

    internal static readonly (SectionSpec Section, SectionSpec Top)[] LeafList = [.. DemoCatalog.Leaves()];

    private static readonly Dictionary<string, int> Weights = new(StringComparer.Ordinal)
    {
        ["News"] = 8, ["India"] = 8, ["Cricket"] = 6, ["Business"] = 2, ["Markets"] = 4, ["Economy"] = 4,
        ["World"] = 2, ["Sport"] = 2, ["Entertainment"] = 2, ["Movies"] = 4, ["Cities"] = 1, ["Opinion"] = 3,
    };

    private static readonly int[] Cumulative = BuildCumulative();

    private static int[] BuildCumulative()
    {
        var sums = new int[LeafList.Length];
        var total = 0;
        for (var i = 0; i < LeafList.Length; i++)
        {
            total += Weights.GetValueOrDefault(LeafList[i].Section.Name, 3);
            sums[i] = total;
        }
        return sums;
    }

    private static readonly string[] GenericSentences = Beat.Split(
        "It was not immediately clear how long the process would take.|Two people familiar with the matter confirmed the details but asked not to be named because the discussions were private.|{Person2}, a {role2}, said the details would matter more than the headline.|Reaction was swift and, for the most part, divided along familiar lines.|The announcement came at a briefing in {city} that lasted a little over an hour.|Officials declined to give a firm timeline but said an update was expected by {month}.|Similar efforts elsewhere have had mixed results, and observers urged caution.|Those who were present described the mood as cautiously optimistic.|For now, much depends on what happens over the next {num} weeks.|There was no immediate comment from {inst2}.|The figures could not be independently verified.|A follow-up meeting has been scheduled, though its date has not been made public.|The issue has drawn attention well beyond {city}, with several groups saying they would follow the outcome closely.|Earlier this year, a similar proposal was shelved after objections from several quarters.|Those close to the process say the next few days will be crucial.|Supporters and critics alike agree on one thing: the status quo cannot last much longer.|{Person2} noted that the last comparable change had taken nearly {num} years to show results.|The move had been widely expected, though the timing caught some by surprise.|Questions remain about how the plan will be paid for in the long run.|More details are expected to be released in the coming days.");

    private static readonly string[] QuoteFrames = Beat.Split(
        "“{q},” said {person}, the {role}.|“{q},” {surname} said.|{Surname} put it plainly: “{q}.”|“{q},” {surname} added, speaking after the meeting.|Speaking to reporters in {city}, {person2}, a {role2}, said: “{q}.”|“{q},” said {person2}, who has followed the issue for years.");

    private static readonly string[] Standfirsts = Beat.Split(
        "{Topic} is back at the centre of attention in {city}, and the next few weeks will show whether the promises hold.|What began as a routine announcement on {topic} has turned into a test of credibility for {inst}.|The decision on {topic} affects thousands, and not everyone is convinced it goes far enough.|A closer look at {topic}, the people it touches and the questions that remain.|After months of waiting, there is finally movement on {topic}. Here is what changes.|{Topic} has divided opinion in {city}, with supporters and critics reading the same numbers very differently.");

    private static readonly string[] Weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

    public static int PickLeaf(Random rng)
    {
        var roll = rng.Next(Cumulative[^1]);
        var i = Array.BinarySearch(Cumulative, roll + 1);
        return i >= 0 ? i : ~i;
    }

    /// <summary>A stable per-story generator, so story N is the same whatever else was generated.</summary>
    public static Random RandomFor(int seed, long index) =>
        new(unchecked((int)((ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)index * 0xBF58476D1CE4E5B9UL) ^ (int)(index >> 31)));

    public static DemoStory Write(int seed, long index, DateTime publishedAt)
    {
        var rng = RandomFor(seed, index);
        var leaf = PickLeaf(rng);
        var (section, _) = LeafList[leaf];
        var cast = new Cast(rng, section, publishedAt);
        var beat = section.Beat;

        var headlines = section.Sport?.Headlines is { } own && rng.Next(2) == 0 ? own : beat.Headlines;
        var headline = Clip(cast.Fill(headlines[rng.Next(headlines.Length)]), 300);

        var standfirst = rng.Next(100) < 45
            ? cast.Fill(QuoteFrames[0].Replace("{q}", cast.Fill(beat.Quotes[rng.Next(beat.Quotes.Length)]), StringComparison.Ordinal))
            : cast.Fill(Standfirsts[rng.Next(Standfirsts.Length)]);

        var parts = WriteBody(rng, cast, beat);

        var tags = PickTags(rng, cast, section);
        var byDesk = rng.Next(100) < 18;
        var authorCount = rng.Next(100) < 22 ? 2 : 1;
        var attribution = rng.Next(100) < 25 ? AttributionLine(rng) : "";
        var updated = rng.Next(100) < 30 ? publishedAt.AddMinutes(rng.Next(45, 60 * 8)) : (DateTime?)null;
        return new DemoStory(headline, Clip(standfirst, 1000), parts, leaf, tags, beat.Id, byDesk, authorCount, attribution,
            rng.Next(1 << 20), rng.Next(100) >= 3, publishedAt, updated);
    }

    private static string AttributionLine(Random rng)
    {
        var agency = DemoCatalog.Agencies[rng.Next(DemoCatalog.Agencies.Length)];
        return agency == "agencies" || rng.Next(3) == 0 ? "With inputs from agencies" : $"With inputs from {agency}";
    }

    private static List<DemoPart> WriteBody(Random rng, Cast cast, Beat beat)
    {
        var paragraphCount = rng.Next(MinParagraphs, MaxParagraphs + 1);
        var sentences = new Deck(rng, [.. beat.Paragraphs.Skip(1), .. GenericSentences]);
        var quotes = new Deck(rng, beat.Quotes);
        var frames = new Deck(rng, QuoteFrames);
        var subheads = new Deck(rng, beat.Subheadings);
        var parts = new List<DemoPart>(paragraphCount + 6)
        {
            new(BlockKind.Paragraph, cast.Fill(beat.Paragraphs[0])),
        };
        var blockQuoteAt = rng.Next(4, Math.Max(5, paragraphCount - 2));
        var written = 1;
        var sinceHeading = 1;
        var sb = new StringBuilder(400);
        while (written < paragraphCount)
        {
            if (sinceHeading >= 4 && rng.Next(3) == 0 && written < paragraphCount - 1 && subheads.TryDraw(out var sub))
            {
                parts.Add(new DemoPart(BlockKind.Heading, cast.Fill(sub)));
                sinceHeading = 0;
            }
            if (written == blockQuoteAt && quotes.TryDraw(out var pull))
            {
                var who = rng.Next(2) == 0 ? cast.Person : cast.Person2;
                parts.Add(new DemoPart(BlockKind.Quote, $"“{cast.Fill(pull)}.” — {who}"));
            }
            sb.Clear();
            if (rng.Next(100) < 28 && quotes.TryDraw(out var q) && frames.TryDraw(out var frame))
            {
                sb.Append(cast.Fill(frame.Replace("{q}", q, StringComparison.Ordinal)));
            }
            else
            {
                var n = rng.Next(100) < 55 ? 2 : 1;
                for (var i = 0; i < n; i++)
                {
                    if (!sentences.TryDraw(out var s))
                    {
                        sentences.Reshuffle();
                        sentences.TryDraw(out s);
                    }
                    if (sb.Length > 0)
                    {
                        sb.Append(' ');
                    }
                    sb.Append(cast.Fill(s ?? ""));
                }
            }
            parts.Add(new DemoPart(BlockKind.Paragraph, sb.ToString()));
            written++;
            sinceHeading++;
        }
        return parts;
    }

    private static List<string> PickTags(Random rng, Cast cast, SectionSpec section)
    {
        var tags = new List<string>(5);
        void Add(string t)
        {
            if (!tags.Contains(t))
            {
                tags.Add(t);
            }
        }
        Add(cast.Country == "India" ? cast.City : rng.Next(2) == 0 ? cast.City : DemoCatalog.CountryTag(cast.Country));
        var words = section.Beat.TagWords;
        var want = rng.Next(2, 6);
        if (section.Sport is { } kit)
        {
            var year = $"{kit.Competition} 2026";
            Add(rng.Next(2) == 0 && DemoCatalog.Events.Contains(year) ? year : kit.Competition);
            Add(cast.Team);
        }
        else if (cast.Org is not null && rng.Next(2) == 0)
        {
            Add(cast.Org);
        }
        if (section.Beat == Beats.Civic && rng.Next(3) == 0 && cast.Country == "India")
        {
            Add(DemoCatalog.CityTopicTag(rng, cast.City));
        }
        if (section.Beat == Beats.Business && rng.Next(5) == 0)
        {
            Add("Union Budget 2026");
        }
        while (tags.Count < want)
        {
            Add(words[rng.Next(words.Length)]);
        }
        if (tags.Count > 5)
        {
            tags.RemoveRange(5, tags.Count - 5);
        }
        return tags;
    }

    internal static string Clip(string text, int max) => text.Length <= max ? text : text[..(text.LastIndexOf(' ', max - 1) is > 0 and var cut ? cut : max)];

    /// <summary>Draws without replacement, so one story does not repeat a sentence.</summary>
    private sealed class Deck(Random rng, string[] items)
    {
        private readonly string[] _items = Shuffled(rng, items);
        private int _next;

        private static string[] Shuffled(Random rng, string[] items)
        {
            var copy = (string[])items.Clone();
            rng.Shuffle(copy);
            return copy;
        }

        public bool TryDraw([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? item)
        {
            if (_next >= _items.Length)
            {
                item = null;
                return false;
            }
            item = _items[_next++];
            return true;
        }

        public void Reshuffle()
        {
            rng.Shuffle(_items);
            _next = 0;
        }
    }

    /// <summary>The people, places and things one story is about, fixed for the whole story.</summary>
    private sealed class Cast
    {
        private readonly Random _rng;
        private readonly Beat _beat;
        private readonly DateTime _published;
        public readonly string Person;
        public readonly string Person2;
        private readonly string _surname;
        private readonly string _surname2;
        private readonly string _role;
        private readonly string _role2;
        private readonly string _inst;
        private readonly string _inst2;
        private readonly string _topic;
        public readonly string City;
        public readonly string Country;
        public readonly string? Org;
        public readonly string Team;
        private readonly string _rival;
        private readonly string _player;
        private readonly string _venue;
        private readonly string _competition;

        public Cast(Random rng, SectionSpec section, DateTime published)
        {
            _rng = rng;
            _beat = section.Beat;
            _published = published;
            var first = DemoCatalog.FirstNames;
            var last = DemoCatalog.Surnames;
            _surname = last[rng.Next(last.Length)];
            _surname2 = last[rng.Next(last.Length)];
            Person = $"{first[rng.Next(first.Length)]} {_surname}";
            Person2 = $"{first[rng.Next(first.Length)]} {_surname2}";
            _role = Pick(_beat.Roles);
            _role2 = Pick(_beat.Roles);
            _inst = Pick(_beat.Institutions);
            _inst2 = Pick(_beat.Institutions);
            _topic = Pick(_beat.Topics);
            var places = section.Places ?? DemoCatalog.IndianCities;
            var place = places[rng.Next(places.Length)];
            City = place.City;
            Country = place.Country;
            Org = _beat.Id switch
            {
                "business" => Pick(DemoCatalog.Companies),
                "tech" => Pick(DemoCatalog.TechCompanies),
                "auto" => Pick(DemoCatalog.CarMakers),
                _ => null,
            };
            var kit = section.Sport ?? DemoCatalog.Football;
            Team = Pick(kit.Teams);
            do
            {
                _rival = Pick(kit.Teams);
            }
            while (_rival == Team);
            _player = Pick(kit.Players);
            _venue = Pick(kit.Venues);
            _competition = kit.Competition;
        }

        private string Pick(string[] list) => list[_rng.Next(list.Length)];

        public string Fill(string template)
        {
            var open = template.IndexOf('{', StringComparison.Ordinal);
            if (open < 0)
            {
                return template;
            }
            var sb = new StringBuilder(template.Length + 64);
            var at = 0;
            while (open >= 0)
            {
                var close = template.IndexOf('}', open);
                sb.Append(template, at, open - at);
                var key = template.AsSpan(open + 1, close - open - 1);
                var value = Value(key);
                if (char.IsUpper(key[0]) && value.Length > 0 && char.IsLower(value[0]))
                {
                    sb.Append(char.ToUpperInvariant(value[0])).Append(value, 1, value.Length - 1);
                }
                else
                {
                    sb.Append(value);
                }
                at = close + 1;
                open = template.IndexOf('{', at);
            }
            sb.Append(template, at, template.Length - at);
            return sb.ToString();
        }

        private string Value(ReadOnlySpan<char> key)
        {
            Span<char> lower = stackalloc char[key.Length];
            key.ToLowerInvariant(lower);
            return lower switch
            {
                "person" => Person,
                "person2" => Person2,
                "surname" => _surname,
                "surname2" => _surname2,
                "role" => _role,
                "role2" => _role2,
                "inst" => _inst,
                "inst2" => _inst2,
                "topic" => _topic,
                "city" => City,
                "country" => Country,
                "org" => Org ?? "the company",
                "team" => Team,
                "rival" => _rival,
                "player" => _player,
                "venue" => _venue,
                "competition" => _competition,
                "num" => Number(_rng.Next(2, 13)),
                "num2" => Number(_rng.Next(13, 21)),
                "big" => Number(_rng.Next(12, 950) * 100),
                "big0" => Number(_rng.Next(150, 330)),
                "low" => Number(_rng.Next(58, 135)),
                "pct" => Number(_rng.Next(3, 49)),
                "money" => $"₹{Number(_rng.Next(12, 4800))} crore",
                "dollars" => $"${Number(_rng.Next(2, 90))} billion",
                "rupees" => _beat.Id == "auto"
                    ? $"₹{(_rng.Next(65, 250) / 10.0).ToString("0.0", CultureInfo.InvariantCulture)} lakh"
                    : $"₹{Number(_rng.Next(3, 60) * 100)}",
                "day" => Weekdays[(int)_published.AddHours(5.5).AddDays(-_rng.Next(2)).DayOfWeek],
                "month" => CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(_published.AddMonths(_rng.Next(1, 5)).Month),
                _ => throw new InvalidOperationException($"Unknown placeholder {{{key}}}"),
            };
        }

        private static string Number(int n) => n.ToString("#,0", CultureInfo.InvariantCulture);
    }
}
