using Byline.Content;

namespace Byline.Demo;

/// <summary>The vocabulary of one sport: who plays, where, and in what.</summary>
internal sealed record SportKit(string Name, string[] Teams, string[] Players, string[] Venues, string Competition, string[]? Headlines = null);

/// <summary>A demo section: its beat, where its stories happen and, for sport, which game.</summary>
internal sealed record SectionSpec(string Name, string Description, Beat Beat, Place[]? Places = null, SportKit? Sport = null, SectionSpec[]? Children = null)
{
    public string Slug => Slugs.From(Name);
    public IReadOnlyList<SectionSpec> Subsections => Children ?? [];
}

internal readonly record struct Place(string City, string Country);

internal sealed record AuthorSpec(string Name, string JobTitle, string Bio, string[] Beats);

/// <summary>
/// Everything the demo publication is made of besides its stories. All names of people, teams,
/// companies, agencies and tournaments are invented.
/// </summary>
internal static class DemoCatalog
{
    public static readonly string[] FirstNames = Beat.Split(
        "Aarav|Ananya|Rohan|Meera|Kabir|Ishita|Vikram|Nandini|Arjun|Priya|Siddharth|Kavya|Rahul|Sneha|Aditya|Tara|Farhan|Zoya|Harish|Lakshmi|Joseph|Mariam|Gurpreet|Deepa|Sanjay|Ritu|Imran|Pooja|Nikhil|Anjali|Varun|Shreya|Mohan|Bhavna|Tenzin|Leela|Daniel|Elena|Marcus|Sofia|Tomas|Hana|Yusuf|Amara|Kenji|Ingrid|Mateo|Chloe");

    public static readonly string[] Surnames = Beat.Split(
        "Sharma|Iyer|Menon|Banerjee|Kulkarni|Reddy|Choudhury|Nair|Deshpande|Malhotra|Qureshi|Fernandes|Gill|Bhattacharya|Rao|Kapoor|Pillai|Mukherjee|Joshi|Sen|Hegde|Dutta|Varghese|Ansari|Thakur|Saxena|Chatterjee|Patil|Mathur|Dsouza|Lobo|Naidu|Bose|Rathore|Khanna|Okafor|Lindqvist|Moreau|Castillo|Tanaka|Novak|Haddad|Brennan|Kowalski");

    public static readonly Place[] IndianCities = Beat.Split(
        "Delhi|Mumbai|Bengaluru|Chennai|Kolkata|Hyderabad|Pune|Ahmedabad|Jaipur|Lucknow|Kochi|Bhopal|Patna|Chandigarh|Guwahati|Bhubaneswar|Indore|Nagpur|Coimbatore|Visakhapatnam|Dehradun|Ranchi|Raipur|Mysuru|Surat|Thiruvananthapuram|Shillong|Srinagar|Varanasi|Madurai")
        .Select(c => new Place(c, "India")).ToArray();

    private static Place[] Places(string pairs) =>
        Beat.Split(pairs).Select(p => p.Split(',')).Select(p => new Place(p[0].Trim(), p[1].Trim())).ToArray();

    public static readonly Place[] UsPlaces = Places("Washington,the United States|New York,the United States|Chicago,the United States|Houston,the United States|Atlanta,the United States|Denver,the United States|Phoenix,the United States|Seattle,the United States|Boston,the United States");
    public static readonly Place[] AsiaPlaces = Places("Tokyo,Japan|Jakarta,Indonesia|Manila,the Philippines|Seoul,South Korea|Dhaka,Bangladesh|Colombo,Sri Lanka|Kathmandu,Nepal|Hanoi,Vietnam|Bangkok,Thailand|Singapore,Singapore|Kuala Lumpur,Malaysia");
    public static readonly Place[] EuropePlaces = Places("Berlin,Germany|Paris,France|Madrid,Spain|Rome,Italy|Warsaw,Poland|Lisbon,Portugal|Vienna,Austria|Stockholm,Sweden|Dublin,Ireland|Athens,Greece");
    public static readonly Place[] MiddleEastPlaces = Places("Dubai,the United Arab Emirates|Doha,Qatar|Amman,Jordan|Muscat,Oman|Riyadh,Saudi Arabia|Beirut,Lebanon|Kuwait City,Kuwait");

    public static readonly string[] Companies = Beat.Split(
        "Meridian Steel|Suryodaya Power|Kavya Textiles|Northwind Logistics|Brightpath Finance|Indus Valley Foods|Orbitel Communications|Sahyadri Cement|Konark Pharma|Lotus Retail|Harbourline Shipping|Aravalli Infra|Saffron Hotels|Bluepeak Insurance|Neelgiri Tea Estates");

    public static readonly string[] TechCompanies = Beat.Split(
        "Lumen Labs|Pixelcraft|Nimbus Cloud|Tarang Mobile|Quanta Devices|Paywise|Kitebird Software|Sankalp AI|Threadline|Vyom Satellites");

    public static readonly string[] CarMakers = Beat.Split(
        "Vega Motors|Ashva Automotive|Ridgeway Motors|Volta Two-Wheelers|Ganga Motor Works|Trident EV|Kestrel Cars");

    public static readonly SportKit Cricket = new("cricket",
        Beat.Split("Coastal Chargers|Deccan Rangers|Capital Comets|Eastern Tigers|Western Warriors|Southern Stallions|Himalayan Hawks|Central Strikers"),
        Beat.Split("Rishabh Kulkarni|Aman Sethi|Yash Pillai|Kunal Bhatia|Devang Rao|Harshit Menon|Sameer Gill|Tanmay Iyer"),
        Beat.Split("Riverside Oval|the Gateway Stadium|Lakeview Ground|the Fort Cricket Ground|Greenfield Park"),
        "Premier Cricket Cup",
        Beat.Split("{Team} beat {rival} by {num} wickets in {competition} thriller|{Player} hits century as {team} post {big0} against {rival}|{Team} collapse for {low} at {venue}|{Player}'s {num}-wicket haul sinks {rival}|Selectors weigh {player}'s recall ahead of {topic}|{Team} chase down {big0} with {num} balls to spare|Rain forces draw at {venue} after {player}'s fifty|{Competition}: {team} seal playoff spot with win over {rival}"));

    public static readonly SportKit Football = new("football",
        Beat.Split("Bay City FC|Highland United|Riverside Athletic|Port Town Rovers|Malabar FC|Northern Stars|Steel City FC|Lakeside Wanderers"),
        Beat.Split("Lalremruata Sailo|Bikash Thapa|Sunil Dcosta|Rafael Mendes|Jerry Lyngdoh|Arif Khan|Dawa Sherpa|Ashique Moidu"),
        Beat.Split("the Salt Lake Arena|Harbour Park|the Hill Stadium|Millennium Ground|the Riverside Bowl"),
        "Federation Shield");

    public static readonly SportKit Tennis = new("tennis",
        Beat.Split("Arjun Mehra|Lukas Brandt|Nikita Rao|Elena Vidal|Karan Sodhi|Mia Lindgren|Ravi Shekhar|Sara Kovacs"),
        Beat.Split("Arjun Mehra|Lukas Brandt|Nikita Rao|Elena Vidal|Karan Sodhi|Mia Lindgren|Ravi Shekhar|Sara Kovacs"),
        Beat.Split("Centre Court at the Lakeside Club|the Gymkhana courts|the Hillside Tennis Centre"),
        "Monsoon Open",
        Beat.Split("{Team} beats {rival} in straight sets to reach {competition} quarters|{Team} saves {num} match points to stun {rival}|{Player} withdraws from {competition} with wrist injury|{Team} and {rival} set up final at {venue}|{Player} climbs {num} places in world rankings after title run|Teenager {player} takes a set off {rival} on debut|{Competition}: {team} books semi-final spot after three-hour battle"));

    public static readonly SportKit Hockey = new("hockey",
        Beat.Split("Punjab Lions|Odisha Warriors|Bengal Blazers|Karnataka Kings|Uttar Pradesh Rangers|Mumbai Mariners"),
        Beat.Split("Harmanjot Singh|Amit Lakra|Manpreet Dhillon|Sumit Ekka|Vivek Toppo|Rohit Minz"),
        Beat.Split("the Kalinga Turf|the Gymkhana Pitch|the Astro Arena"),
        "National Hockey Championship");

    public static readonly SportKit[] Sports = [Cricket, Football, Tennis, Hockey];

    public static readonly SectionSpec[] Sections =
    [
        new("News", "The day's most important stories from across the country.", Beats.Civic, Children:
        [
            new("India", "Politics, policy and people from every state.", Beats.Civic),
            new("Opinion", "Columns, analysis and argument.", Beats.Opinion),
            new("Cricket", "Scores, selection and the stories behind them.", Beats.Sport, Sport: Cricket),
            new("Tech", "Phones, platforms and the rules that govern them.", Beats.Tech),
        ]),
        new("World", "International news and analysis.", Beats.World, [.. UsPlaces, .. AsiaPlaces, .. EuropePlaces, .. MiddleEastPlaces], Children:
        [
            new("US News", "Politics and society in the United States.", Beats.World, UsPlaces),
            new("Asia", "News from across Asia.", Beats.World, AsiaPlaces),
            new("Europe", "News from across Europe.", Beats.World, EuropePlaces),
            new("Middle East", "News from the Gulf and the Levant.", Beats.World, MiddleEastPlaces),
        ]),
        new("Business", "Companies, markets and the economy.", Beats.Business, Children:
        [
            new("Markets", "Stocks, bonds, currencies and commodities.", Beats.Business),
            new("Economy", "Growth, prices, jobs and policy.", Beats.Business),
            new("Companies", "Results, deals and the people who run them.", Beats.Business),
        ]),
        new("Sport", "Every game that matters.", Beats.Sport, Sport: Football, Children:
        [
            new("Football", "Leagues, cups and transfers.", Beats.Sport, Sport: Football),
            new("Tennis", "Tours, rankings and Grand Slam-style events.", Beats.Sport, Sport: Tennis),
            new("Hockey", "The national game, from the league to the Olympics.", Beats.Sport, Sport: Hockey),
        ]),
        new("Entertainment", "Films, music, television and streaming.", Beats.Culture, Children:
        [
            new("Movies", "Releases, reviews and the box office.", Beats.Culture),
            new("Music", "Albums, tours and festivals.", Beats.Culture),
            new("Television", "Series, shows and streaming.", Beats.Culture),
        ]),
        new("Lifestyle", "Food, fashion and the way we live.", Beats.Lifestyle, Children:
        [
            new("Food", "Recipes, restaurants and food culture.", Beats.Lifestyle),
            new("Fashion", "Style, design and craft.", Beats.Lifestyle),
        ]),
        new("Science", "Discoveries and the people behind them.", Beats.Science),
        new("Health", "Medicine, wellbeing and public health.", Beats.Health),
        new("Education", "Schools, colleges, exams and careers.", Beats.Education),
        new("Auto", "Cars, bikes, EVs and road safety.", Beats.Auto),
        new("Travel", "Destinations, journeys and practical advice.", Beats.Lifestyle),
        new("Environment", "Climate, wildlife and the places we share.", Beats.Science),
        new("Cities", "Civic news from the metros.", Beats.Civic, Children:
        [
            new("Delhi", "The capital's civic news.", Beats.Civic, [new("Delhi", "India")]),
            new("Mumbai", "Civic news from Mumbai.", Beats.Civic, [new("Mumbai", "India")]),
            new("Bengaluru", "Civic news from Bengaluru.", Beats.Civic, [new("Bengaluru", "India")]),
            new("Kolkata", "Civic news from Kolkata.", Beats.Civic, [new("Kolkata", "India")]),
            new("Chennai", "Civic news from Chennai.", Beats.Civic, [new("Chennai", "India")]),
            new("Hyderabad", "Civic news from Hyderabad.", Beats.Civic, [new("Hyderabad", "India")]),
        ]),
    ];

    /// <summary>Sections stories are filed in, with a weight: the busiest desks publish most.</summary>
    public static IEnumerable<(SectionSpec Section, SectionSpec Top)> Leaves()
    {
        foreach (var top in Sections)
        {
            yield return (top, top);
            foreach (var child in top.Subsections)
            {
                yield return (child, top);
            }
        }
    }

    public static readonly AuthorSpec[] Authors =
    [
        new("Meera Kulkarni", "Political Editor", "Meera has covered state and national politics for eighteen years, from assembly sessions to election trails across eleven states.", ["civic", "opinion"]),
        new("Rohan Iyer", "Senior Correspondent", "Rohan reports on cities, housing and the infrastructure that holds them together. He previously ran a civic data project.", ["civic"]),
        new("Ishita Banerjee", "Chief of Bureau, Kolkata", "Ishita leads the eastern bureau and writes about governance, migration and the Bay of Bengal coast.", ["civic", "world"]),
        new("Kabir Malhotra", "Foreign Affairs Editor", "Kabir writes on diplomacy and trade. He has reported from more than thirty countries.", ["world"]),
        new("Nandini Rao", "Senior Editor, World", "Nandini edits the World section and writes about Asia, elections and the people they leave out.", ["world", "opinion"]),
        new("Vikram Choudhury", "Business Editor", "Vikram covers companies, capital markets and corporate governance. He trained as a chartered accountant.", ["business"]),
        new("Sneha Deshpande", "Markets Correspondent", "Sneha tracks equities, bonds and the rupee, and explains what they mean for household savings.", ["business"]),
        new("Aditya Nair", "Economics Writer", "Aditya writes about growth, jobs and inflation, with a weakness for long data series.", ["business", "opinion"]),
        new("Tara Fernandes", "Technology Editor", "Tara covers platforms, privacy and the start-up economy, and reviews the occasional phone.", ["tech"]),
        new("Farhan Qureshi", "Technology Reporter", "Farhan writes about cybersecurity, telecom and digital payments.", ["tech", "business"]),
        new("Arjun Gill", "Cricket Writer", "Arjun has followed the national team on tours across five continents and still keeps a paper scorebook.", ["sport"]),
        new("Priya Menon", "Sports Editor", "Priya edits the sports pages and writes about football, hockey and the business of sport.", ["sport"]),
        new("Siddharth Sen", "Sports Correspondent", "Siddharth covers tennis and athletics, and the young players trying to break through.", ["sport"]),
        new("Zoya Ansari", "Entertainment Editor", "Zoya writes about film, television and streaming, and hosts the weekly culture podcast.", ["culture"]),
        new("Harish Pillai", "Film Critic", "Harish has reviewed films for two decades and teaches a course on cinema criticism.", ["culture"]),
        new("Kavya Hegde", "Lifestyle Editor", "Kavya writes about food, craft and travel, and the people who keep traditions alive.", ["lifestyle"]),
        new("Lakshmi Varghese", "Food and Travel Writer", "Lakshmi has eaten her way across the country and writes about regional kitchens and slow journeys.", ["lifestyle"]),
        new("Rahul Joshi", "Science Correspondent", "Rahul writes about space, climate and the scientists doing the patient work.", ["science"]),
        new("Deepa Mukherjee", "Environment Correspondent", "Deepa reports on rivers, forests and the communities that depend on them.", ["science", "civic"]),
        new("Sanjay Thakur", "Health Editor", "Sanjay covers public health, hospitals and medicine, and was a practising doctor for six years.", ["health"]),
        new("Ritu Saxena", "Health Reporter", "Ritu writes about mental health, nutrition and the health of women and children.", ["health", "education"]),
        new("Nikhil Patil", "Education Correspondent", "Nikhil covers schools, universities and examinations, and what they mean for families.", ["education"]),
        new("Anjali Khanna", "Auto Editor", "Anjali test-drives cars and bikes and writes about road safety and electric mobility.", ["auto"]),
        new("Varun Dsouza", "Senior Writer", "Varun writes long-form features and the occasional column on urban life.", ["opinion", "civic", "lifestyle"]),
        new("Elena Castillo", "Contributing Editor", "Elena is a contributing editor who writes on global affairs, culture and ideas.", ["world", "culture", "opinion"]),
    ];

    public static readonly AuthorSpec[] Desks =
    [
        new("News Desk", "Byline News Desk", "Stories compiled by the news desk from our reporters and wire services.", ["civic", "world", "business", "tech", "culture", "lifestyle", "science", "health", "education", "auto", "opinion"]),
        new("Sports Desk", "Byline Sports Desk", "Scores, reports and updates compiled by the sports desk.", ["sport"]),
    ];

    public static readonly string[] Agencies = Beat.Split("agencies|Newswire Asia|National Wire Service|Continental Press Agency|Metro News Network");

    public static readonly string[] PhotoCredits = Beat.Split(
        "Byline Photo|Byline Photo|Newswire Asia|Continental Press Agency|Photo: Aman Verghese|Photo: Sunaina Gupta|Photo: Daniel Okafor|Illustration: Byline Design Desk|Photo: Ritika Bose");

    public static readonly (string Name, string Slug)[] Shows =
        Beat.Split("The Morning Brief|Ground Report|Money Matters|Full Toss|Tech Talk Weekly|The Big Debate").Select(s => (s, Slugs.From(s))).ToArray();

    /// <summary>Running stories with a tag page of their own; the first is the header's topic hub.</summary>
    public static readonly string[] Events = Beat.Split("Premier Cricket Cup 2026|Union Budget 2026|Monsoon 2026|State Elections 2026|Monsoon Open 2026|Film Festival Season");

    public static readonly string[] Trending = Beat.Split("Premier Cricket Cup 2026|Union Budget 2026|Monsoon|Electric Vehicles|Board Exams|Stock Market|Dengue|Artificial Intelligence|Box Office|Heatwave");

    private static readonly string[] CityTopics = Beat.Split("Rains|Traffic|Metro|Police|Pollution|Water Crisis");

    /// <summary>About 500 tag names, deterministic and unique by slug.</summary>
    public static IReadOnlyList<string> TagNames()
    {
        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(string name)
        {
            if (names.Count < 500 && seen.Add(Slugs.From(name)))
            {
                names.Add(name);
            }
        }
        foreach (var e in Events)
        {
            Add(e);
        }
        foreach (var t in Trending)
        {
            Add(t);
        }
        foreach (var beat in Beats.All)
        {
            foreach (var w in beat.TagWords)
            {
                Add(w);
            }
        }
        foreach (var p in IndianCities)
        {
            Add(p.City);
        }
        foreach (var p in UsPlaces.Concat(AsiaPlaces).Concat(EuropePlaces).Concat(MiddleEastPlaces))
        {
            Add(p.City);
            Add(CountryTag(p.Country));
        }
        foreach (var kit in Sports)
        {
            Add(kit.Competition);
            foreach (var t in kit.Teams.Concat(kit.Players))
            {
                Add(t);
            }
        }
        foreach (var c in Companies.Concat(TechCompanies).Concat(CarMakers))
        {
            Add(c);
        }
        foreach (var topic in CityTopics)
        {
            foreach (var p in IndianCities)
            {
                Add($"{p.City} {topic}");
            }
        }
        return names;
    }

    public static string CountryTag(string country) => country.StartsWith("the ", StringComparison.Ordinal) ? country[4..] : country;

    public static string CityTopicTag(Random rng, string city) => $"{city} {CityTopics[rng.Next(CityTopics.Length)]}";
}
