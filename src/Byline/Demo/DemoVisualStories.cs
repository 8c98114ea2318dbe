using Byline.Content;
using System.Globalization;
using Byline.Media;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;
using SkiaSharp;

namespace Byline.Demo;

/// <summary>
/// Demo photo stories (galleries of captioned, credited pictures) and web stories (tap-through pages
/// of picture and text). The pictures are drawn here, with no words in them: a web story's text is
/// always real text laid over the picture, never part of it.
/// </summary>
internal sealed class DemoVisualStories(BylineDb db, MediaStore media, Search.ISearchIndex search, TimeProvider clock, ILogger log)
{
    private const int Seed = 7107;
    private const int LandscapeCount = 36;
    private const int PortraitCount = 20;
    private const int LandscapeWidth = 1200;
    private const int LandscapeHeight = 800;
    private const int PortraitWidth = 720;
    private const int PortraitHeight = 1280;
    private static readonly int[] LandscapeWidths = [480, 800, 1200];
    private static readonly int[] PortraitWidths = [480, 720];

    private sealed record Gallery(string Section, string Headline, string Standfirst, string Intro, string[] Subjects, string[] Places);

    private sealed record VisualPage(string Heading, string Text);

    private sealed record Tale(string Section, string Headline, string Description, VisualPage[] Pages);

    private static readonly Gallery[] Galleries =
    [
        new("travel", "Monsoon light over the Western Ghats, in pictures",
            "Mist, waterfalls and terraced hills: a photographer spends a week on the wettest slopes of the peninsula.",
            "The rains arrive on the ghats in late June and do not leave until September. For a week our photographer followed the clouds up the escarpment, from tea estates to viewpoints that disappear for hours at a time.",
            ["A road bends into low cloud", "Tea pickers cross a ridge between showers", "A seasonal waterfall spills over black basalt", "Paddy terraces hold the morning light", "A bus waits out a downpour at a hairpin", "Fog lifts off a reservoir at dawn", "A shepherd leads goats along a wet trail", "Moss covers a temple wall after a month of rain", "Children race paper boats down a drain", "Lightning over the plains seen from a fort", "A village lane turns into a stream", "A viewpoint railing beads with water"],
            ["near Mahabaleshwar", "above Munnar", "outside Amboli", "on the Agumbe ghat", "near Matheran", "in the Sahyadri foothills"]),
        new("sport", "The marathon's long morning, frame by frame",
            "From the start gun in the dark to the last finisher at noon: the city marathon as the runners and the crowds saw it.",
            "More than forty thousand people started this year's race. These are some of the moments between the first step and the medal table.",
            ["Runners pack the start line before sunrise", "Volunteers hand out water at the tenth kilometre", "A drummer keeps time for passing runners", "The leading group crosses the sea link", "A runner stops to help another to her feet", "Spectators hold hand-painted signs", "A wheelchair racer takes the final bend", "Medics wait at the twenty-five kilometre mark", "The winner raises her arms at the line", "Finishers wrapped in foil blankets", "A family cheers a grandfather across the line", "Orange peel and paper cups after the last runner"],
            ["on Marine Drive", "at the start pen", "near the finish", "on the flyover", "by the stadium gates"]),
        new("environment", "Where the river meets the sea: a year on the mangrove coast",
            "The mangroves protect the coast from storms and feed a fishing economy. Their edges are changing fast.",
            "Our photographer returned to the same stretch of estuary in every season of one year to watch the water, the birds and the people who work the channels.",
            ["Roots of a mangrove stand at low tide", "A fisher checks crab traps in the channel", "Flamingos feed on the mudflats", "A boat-maker tars a hull on the bank", "Saplings planted after last year's cyclone", "A kingfisher waits on a dead branch", "A new embankment cuts across the flats", "Women sort the morning's catch", "Storm clouds over the estuary", "A boardwalk for visitors through the forest", "Plastic caught in the roots after a high tide", "Evening light on the open water"],
            ["in the Sundarbans", "near Bhitarkanika", "at the Pichavaram estuary", "off the Konkan coast"]),
        new("food", "Night market: the stalls that open when the offices close",
            "Griddles, steamers and queues: an evening among the cooks who feed the city after dark.",
            "By seven in the evening a car park becomes a kitchen for a few thousand people. These are the cooks, the regulars and the dishes they came for.",
            ["A cook flips parathas on a wide griddle", "Steam rises from a stack of bamboo baskets", "Skewers line up over charcoal", "A queue forms for the first batch of kebabs", "Sugar cane goes through a hand-cranked press", "A grandmother rolls dough as she has for forty years", "A food-delivery rider waits for an order", "Neon signs reflect in a puddle", "Friends share a plate under a string of bulbs", "Kulfi is cut on a wooden board", "A stallholder counts the night's takings", "Tables are stacked away after midnight"],
            ["in the old quarter", "by the station", "near the university", "on the ring road"]),
        new("cities", "After the flood: a neighbourhood cleans up",
            "Three days of rain left streets under water. Then the residents, volunteers and municipal crews began to dig out.",
            "These pictures were made over the week after the water went down, as homes were emptied, dried and put back together.",
            ["Residents carry a sofa out of a ground-floor flat", "A pump clears water from a basement car park", "Schoolbooks dry on a balcony railing", "Municipal workers clear a blocked drain", "Volunteers hand out drinking water", "A shopkeeper hoses mud off his shutters", "An electrician checks a meter board", "A line of mattresses dries in the sun", "Children play on a pile of sandbags", "A water mark at shoulder height on a wall", "A temporary kitchen feeds a lane", "The first customers return to a market"],
            ["in the low-lying wards", "along the canal", "near the bus depot", "in the old town"]),
        new("science", "Inside the observatory on the high desert",
            "Thin air, dark skies and cold nights: a visit to the telescopes that watch the sky from four kilometres up.",
            "The observatory sits above most of the atmosphere's water vapour, which makes its nights some of the clearest anywhere. Its staff live by the Moon's calendar.",
            ["The dome opens at dusk", "An engineer checks the mirror's cooling system", "The Milky Way over the telescope ridge", "Instruments in the control room", "Prayer flags on the road to the summit", "A technician cleans a filter wheel", "Star trails over a long exposure", "Snow on the solar panels", "A cook prepares dinner for the night shift", "Yaks graze below the domes", "Sunrise after a full night of observing", "A visitor looks through a small telescope"],
            ["at Hanle", "on the ridge", "in the control building", "above the valley"]),
        new("entertainment", "Festival season backstage: the crews who build the stage",
            "Riggers, lighting designers and sound engineers have three days to turn a field into a venue for sixty thousand people.",
            "The bands get the applause, but the festival is built by the crews. We spent the build week and the show days with them.",
            ["Trusses rise over an empty field", "A rigger climbs to the lighting grid", "Cable runs are taped across the stage", "A sound check at sunset", "Instrument cases lined up backstage", "The crowd at the barrier before the headliner", "A lighting desk in the mixing tent", "A stagehand sleeps on a flight case", "Confetti over the front rows", "The teardown begins after the encore", "A crew meal under a tarpaulin", "Trucks leave the site at dawn"],
            ["backstage", "at the main stage", "in the crew village", "front of house"]),
        new("world", "The harvest on the terraces: rice season in the hills",
            "A season of planting and cutting on terraces built by hand centuries ago, and the families who keep them working.",
            "The terraces climb a valley wall in hundreds of steps. Each year fewer young people stay to work them, and each year the harvest still comes in.",
            ["Water fills the terraces before planting", "Seedlings are carried up in baskets", "A farmer repairs a mud wall", "Planting in a line across a flooded field", "Clouds settle in the valley", "Ripe grain turns the hillside gold", "Sickles at work during the harvest", "Sheaves stacked to dry", "Threshing on a stone floor", "A festival meal after the harvest", "A school on the valley floor", "The terraces after the last cut"],
            ["in the upper valley", "on the east-facing slopes", "near the village", "by the old irrigation channel"]),
    ];

    private static readonly string[] Credits =
        ["Byline Photo / Asha Menon", "Byline Photo / Rohan Verma", "Photo: Continental Press Agency", "Byline Photo / Leila Haddad", "Photo: Newswire Asia", "Byline Photo / Tomás Ibarra"];

    private static readonly Tale[] Tales =
    [
        new("environment", "Five things to know about this year's heatwave",
            "Why the heat came early, who it hits hardest and what cities are doing about it.",
            [
                new("Earlier and longer", "Temperatures crossed 40 °C more than two weeks ahead of the usual date in several northern cities."),
                new("Nights that do not cool", "The danger is not only the afternoon peak: warm nights stop bodies from recovering."),
                new("Who is most at risk", "Outdoor workers, older people and those living in tin-roofed homes face the highest risk."),
                new("Cooler roofs", "Several cities are painting roofs white. Studies suggest it can lower indoor temperatures by a few degrees."),
                new("Work hours shift", "Some states have moved outdoor work away from the hottest hours of the day."),
                new("Water first", "Drink water before you feel thirsty, and check on neighbours who live alone."),
                new("What comes next", "Forecasters expect relief only when the monsoon winds arrive."),
            ]),
        new("travel", "A weekend in the old port city",
            "Ferries, spice warehouses and sunset on the breakwater: two days on foot in a port that has traded for centuries.",
            [
                new("Arrive by water", "Take the early ferry across the harbour: the city looks best from the deck."),
                new("The warehouse quarter", "Old spice godowns now hold cafés, bookshops and small galleries."),
                new("Lunch by the jetty", "Fish curry and rice at a canteen that serves the dock workers first."),
                new("Walk the old streets", "Churches, a synagogue and a mosque stand within a few minutes of each other."),
                new("The fishing nets", "Cantilevered nets rise and fall along the shore at the change of tide."),
                new("Sunset on the breakwater", "Locals gather here in the evening; bring something to sit on."),
                new("Before you leave", "The morning fish auction starts before six and is over by eight."),
            ]),
        new("science", "How a comet gets its tail",
            "A dirty snowball, the Sun's heat and a stream of charged particles: the physics behind a comet's glow.",
            [
                new("A frozen visitor", "A comet's nucleus is a few kilometres of ice, dust and rock."),
                new("Warming up", "As it nears the Sun, the ice turns straight to gas and drags dust with it."),
                new("The coma", "The gas and dust form a glowing cloud far larger than the nucleus itself."),
                new("Two tails, not one", "Dust curves along the comet's path; charged gas points straight away from the Sun."),
                new("Pushed by the solar wind", "That is why the tail can lead the comet on its way out of the inner solar system."),
                new("When to look", "Find a dark spot away from city lights and look low in the west after sunset."),
            ]),
        new("food", "Six breakfasts from six cities",
            "From steamed rice cakes to spiced flatbreads: what the country eats before work.",
            [
                new("Chennai", "Idli and sambar, with two chutneys and a tumbler of filter coffee."),
                new("Indore", "Poha with peanuts and a sprinkle of sev, eaten standing at a street stall."),
                new("Amritsar", "Stuffed kulcha from a clay oven, with chickpeas and a dollop of butter."),
                new("Kolkata", "Kochuri and a light potato curry, followed by a sweet from the corner shop."),
                new("Mumbai", "A bun with butter and a cutting chai at an old Irani café."),
                new("Guwahati", "Rice flakes with curd and jaggery, simple and filling."),
                new("Your turn", "Which breakfast should we try next? Tell us on our social channels."),
            ]),
        new("sport", "The road to the final in seven moments",
            "A late winner, a penalty save and a comeback from two goals down: how the champions got there.",
            [
                new("An opening defeat", "They lost their first group game and were written off within a week."),
                new("The comeback", "Two goals down at half-time, they scored three in the last twenty minutes."),
                new("The save", "The goalkeeper's penalty save in the quarter-final is already part of club history."),
                new("A captain's goal", "The captain headed the semi-final winner in the ninetieth minute."),
                new("Final day", "Forty thousand fans filled the stadium hours before kick-off."),
                new("The winner", "A low shot from outside the box settled it in extra time."),
                new("Celebration", "The trophy toured the city on an open-top bus the next morning."),
                new("Next season", "The squad stays together, and the coach has signed a new contract."),
            ]),
        new("cities", "Your guide to the new metro line",
            "Twelve stations, a river crossing and new feeder buses: what changes for commuters from Monday.",
            [
                new("Twelve new stations", "The line links the eastern suburbs to the business district in about half an hour."),
                new("Under the river", "The twin tunnels are the first in the city to run beneath the river."),
                new("Fares", "Fares start at ten rupees; smart cards from the other lines work here too."),
                new("Feeder buses", "New electric buses connect the three busiest stations to nearby neighbourhoods."),
                new("Accessibility", "Every station has lifts, tactile paths and a ticket counter at wheelchair height."),
                new("First and last trains", "Trains run from 5.30 am to 11.30 pm, every four minutes at peak hours."),
            ]),
    ];

    public async Task AddAsync(CancellationToken ct)
    {
        if (await db.Articles.AnyAsync(a => a.Format == StoryFormat.PhotoStory || a.Format == StoryFormat.WebStory, ct))
        {
            return;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var landscapes = await EnsureImagesAsync(now, ct);
        var sections = await db.Sections.ToDictionaryAsync(s => s.Slug, s => new { s.Id, Top = s.ParentId ?? s.Id }, ct);
        var desk = await db.Authors.Where(a => a.IsDesk).OrderBy(a => a.Id).Select(a => (int?)a.Id).FirstOrDefaultAsync(ct);
        var rng = new Random(Seed);
        var added = new List<Article>();
        for (var g = 0; g < Galleries.Length; g++)
        {
            var gallery = Galleries[g];
            if (!sections.TryGetValue(gallery.Section, out var section))
            {
                continue;
            }
            var count = 6 + ((g * 5) % 9);
            var picks = Enumerable.Range(0, LandscapeCount).OrderBy(_ => rng.Next()).Take(count).ToList();
            var slides = picks.Select((p, i) => new Slide(
                landscapes.Landscape[p],
                Text: $"{gallery.Subjects[i % gallery.Subjects.Length]} {gallery.Places[(i + g) % gallery.Places.Length]}.",
                Credit: Credits[(g + i / 4) % Credits.Length],
                Alt: $"{gallery.Subjects[i % gallery.Subjects.Length]} (an abstract illustration standing in for a photograph)")).ToList();
            // Within the last day and a half, so each is on the first page of its section.
            var published = now.AddHours(-(2 + g * 4)).AddMinutes(-rng.Next(50));
            added.Add(Story(StoryFormat.PhotoStory, gallery.Headline, gallery.Standfirst, gallery.Intro, section.Id, section.Top, slides[0].ImageId, slides, desk, published));
        }
        for (var t = 0; t < Tales.Length; t++)
        {
            var tale = Tales[t];
            if (!sections.TryGetValue(tale.Section, out var section))
            {
                continue;
            }
            var picks = Enumerable.Range(0, PortraitCount).OrderBy(_ => rng.Next()).Take(tale.Pages.Length).ToList();
            var slides = tale.Pages.Select((p, i) => new Slide(landscapes.Portrait[picks[i]], p.Heading, p.Text, Credits[(t + i) % Credits.Length],
                "Abstract coloured shapes behind the page text")).ToList();
            var published = now.AddHours(-(3 + t * 27)).AddMinutes(-rng.Next(50));
            added.Add(Story(StoryFormat.WebStory, tale.Headline, tale.Description, "", section.Id, section.Top, slides[0].ImageId, slides, desk, published));
        }
        db.Articles.AddRange(added);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        await search.RebuildAsync(ct);
        log.LogInformation("Demo visual stories: {Photo} photo stories, {Web} web stories",
            added.Count(a => a.Format == StoryFormat.PhotoStory), added.Count(a => a.Format == StoryFormat.WebStory));
    }

    private static Article Story(StoryFormat format, string headline, string standfirst, string intro, int sectionId, int topId, int? cover,
        List<Slide> slides, int? desk, DateTime published)
    {
        var listed = StoryFormats.IsListed(format) ? published : (DateTime?)null;
        return new Article
        {
            Slug = Slugs.From(headline),
            Headline = headline,
            Standfirst = standfirst,
            BodyMarkdown = intro,
            BodyHtml = BodyDocument.Serialize(BodyDocument.Render(intro)),
            WordCount = BodyDocument.CountWords(intro),
            LeadImageId = cover,
            SectionId = sectionId,
            TopSectionId = topId,
            Status = ArticleStatus.Published,
            PublishedAt = published,
            CreatedAt = published.AddMinutes(-45),
            ModifiedAt = published,
            Version = 1,
            Format = format,
            FormatData = new FormatData { Slides = slides }.ToJson(),
            Authors = desk is { } d ? [new ArticleAuthor { AuthorId = d, Position = 0, ListedAt = listed }] : [],
        };
    }

    private sealed record Pools(int[] Landscape, int[] Portrait);

    private async Task<Pools> EnsureImagesAsync(DateTime now, CancellationToken ct)
    {
        var existing = await db.Images.Where(i => i.Key.StartsWith("demo-visual-")).ToDictionaryAsync(i => i.Key, i => i.Id, ct);
        var jobs = new List<Func<CancellationToken, Task>>();
        var motifs = Enum.GetValues<Scene>();
        void Add(string key, int w, int h, int[] widths, int seed, string alt)
        {
            var palette = DemoArtwork.Palettes[seed % DemoArtwork.Palettes.Length];
            var scene = motifs[(seed / DemoArtwork.Palettes.Length + seed) % motifs.Length];
            if (!existing.ContainsKey(key))
            {
                db.Images.Add(new Image
                {
                    Key = key, Width = w, Height = h, Widths = string.Join(',', widths), ContentType = "image/jpeg", CreatedAt = now,
                    Alt = $"{alt}: {scene.ToString().ToLowerInvariant()} shapes in {palette.Name}",
                    Caption = "", Credit = "Byline Design Desk",
                });
            }
            jobs.Add(async c =>
            {
                if (!await Renditions.WidthsExistAsync(media, key, widths, c))
                {
                    await Renditions.WriteAsync(media, key, w, h, widths, canvas => Draw(canvas, w, h, Seed + seed, palette, scene), c);
                }
            });
        }
        for (var i = 0; i < LandscapeCount; i++)
        {
            Add(LandscapeKey(i), LandscapeWidth, LandscapeHeight, LandscapeWidths, i, "Gallery illustration");
        }
        for (var i = 0; i < PortraitCount; i++)
        {
            Add(PortraitKey(i), PortraitWidth, PortraitHeight, PortraitWidths, i * 3 + 1, "Story page illustration");
        }
        await db.SaveChangesAsync(ct);
        if (jobs.Count > 0)
        {
            log.LogInformation("Drawing {Count} demo gallery and web-story pictures", jobs.Count);
            await Parallel.ForEachAsync(jobs, ct, async (job, c) => await job(c));
        }
        var ids = await db.Images.Where(i => i.Key.StartsWith("demo-visual-")).ToDictionaryAsync(i => i.Key, i => i.Id, ct);
        return new Pools([.. Enumerable.Range(0, LandscapeCount).Select(i => ids[LandscapeKey(i)])], [.. Enumerable.Range(0, PortraitCount).Select(i => ids[PortraitKey(i)])]);
    }

    private static string LandscapeKey(int i) => "demo-visual-photo-" + (i + 1).ToString("00", CultureInfo.InvariantCulture);

    private static string PortraitKey(int i) => "demo-visual-page-" + (i + 1).ToString("00", CultureInfo.InvariantCulture);

    internal enum Scene
    {
        Horizon,
        Hills,
        Orbs,
        Rain,
    }

    /// <summary>A wordless composition: sky, ground and shapes, a pure function of its arguments.</summary>
    internal static void Draw(SKCanvas canvas, int w, int h, int seed, DemoArtwork.Palette palette, Scene scene)
    {
        var rng = new Random(seed);
        using (var sky = new SKPaint { IsAntialias = true })
        {
            sky.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(0, h), [palette.To, palette.From], SKShaderTileMode.Clamp);
            canvas.DrawRect(0, 0, w, h, sky);
        }
        using var paint = new SKPaint { IsAntialias = true };
        var horizon = h * (0.45f + (float)rng.NextDouble() * 0.2f);
        paint.Color = palette.Accent.WithAlpha(220);
        canvas.DrawCircle(w * (0.2f + (float)rng.NextDouble() * 0.6f), horizon - h * 0.12f, Math.Min(w, h) * (0.07f + (float)rng.NextDouble() * 0.06f), paint);
        switch (scene)
        {
            case Scene.Hills:
                for (var layer = 0; layer < 4; layer++)
                {
                    paint.Color = palette.From.WithAlpha((byte)(120 + layer * 40));
                    using var builder = new SKPathBuilder();
                    var baseY = horizon + layer * h * 0.08f;
                    builder.MoveTo(0, baseY);
                    for (var x = 0; x <= w; x += w / 6)
                    {
                        builder.QuadTo(x + w / 12f, baseY - rng.Next(20, (int)(h * 0.15f)), x + w / 6f, baseY + rng.Next(-20, 20));
                    }
                    builder.LineTo(w, h);
                    builder.LineTo(0, h);
                    builder.Close();
                    using var path = builder.Detach();
                    canvas.DrawPath(path, paint);
                }
                break;
            case Scene.Orbs:
                for (var i = 0; i < 14; i++)
                {
                    paint.Color = (i % 3 == 0 ? palette.Accent : SKColors.White).WithAlpha((byte)rng.Next(25, 110));
                    canvas.DrawCircle(rng.Next(0, w), rng.Next(0, h), rng.Next(w / 30, w / 5), paint);
                }
                break;
            case Scene.Rain:
                paint.StrokeWidth = Math.Max(2, w / 400f);
                for (var i = 0; i < 90; i++)
                {
                    paint.Color = SKColors.White.WithAlpha((byte)rng.Next(40, 120));
                    float x = rng.Next(0, w), y = rng.Next(0, h), len = rng.Next(h / 30, h / 10);
                    canvas.DrawLine(x, y, x - len * 0.25f, y + len, paint);
                }
                paint.Color = palette.From.WithAlpha(200);
                canvas.DrawRect(0, horizon + h * 0.15f, w, h, paint);
                break;
            default:
                paint.Color = palette.From.WithAlpha(230);
                canvas.DrawRect(0, horizon, w, h - horizon, paint);
                paint.Style = SKPaintStyle.Stroke;
                paint.StrokeWidth = Math.Max(2, h / 200f);
                for (var i = 0; i < 8; i++)
                {
                    paint.Color = palette.Accent.WithAlpha((byte)rng.Next(40, 140));
                    var y = horizon + (i + 1) * (h - horizon) / 9f;
                    canvas.DrawLine(rng.Next(0, w / 3), y, rng.Next(w / 2, w), y, paint);
                }
                paint.Style = SKPaintStyle.Fill;
                break;
        }
    }
}
