#!/usr/bin/env python3
"""make-wxr.py N OUT.xml — a WordPress export (WXR 1.2) of N posts shaped like the WordPress peer's
load (../shared/peers/wordpress: ~700-word bodies in 12-15 paragraphs, 1 of 12 categories, 3 of
500 tags, dates over two years), written in the layout of WordPress's own exporter (wp-admin/includes/
export.php): channel header, authors, categories, tags, then one <item> per post with its postmeta
and comments. Half the bodies are Gutenberg (block comments), half classic (wpautop paragraphs);
every 10th carries a [caption], every 25th an [embed], every 50th a link to an earlier post.
Deterministic (fixed seed)."""
import random, sys, datetime

n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
out = sys.argv[2] if len(sys.argv) > 2 else "export.xml"
rng = random.Random(2026)
SITE = "https://old.example.org"
WORDS = ("the minister said on monday that the new policy would take effect from next month after a long "
         "consultation with states industry groups and civil society organisations across the country while critics "
         "argued that the plan lacked detail on funding and timelines and several analysts warned of delays in "
         "implementation at the district level where officials already face shortages of staff and money").split()
CATS = ["news", "india", "world", "business", "markets", "economy", "sport", "cricket", "entertainment", "movies", "opinion", "cities"]
PARENT = {"markets": "business", "economy": "business", "cricket": "sport", "movies": "entertainment"}
AUTHORS = [("reporter%d" % i, "Reporter %d" % i) for i in range(1, 21)]
start = datetime.datetime(2024, 12, 1)

def cdata(s):
    return "<![CDATA[" + s.replace("]]>", "]]]]><![CDATA[>") + "]]>"

def sentence():
    k = rng.randint(12, 22)
    w = [rng.choice(WORDS) for _ in range(k)]
    return w[0].capitalize() + " " + " ".join(w[1:]) + "."

def paragraph():
    return " ".join(sentence() for _ in range(rng.randint(2, 3)))

with open(out, "w", encoding="utf-8") as f:
    w = f.write
    w('<?xml version="1.0" encoding="UTF-8" ?>\n')
    w('<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
      'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n')
    w(f"\t<title>Old Example News</title>\n\t<link>{SITE}</link>\n\t<description>News</description>\n"
      "\t<language>en-US</language>\n\t<wp:wxr_version>1.2</wp:wxr_version>\n"
      f"\t<wp:base_site_url>{SITE}</wp:base_site_url>\n\t<wp:base_blog_url>{SITE}</wp:base_blog_url>\n")
    for i, (login, name) in enumerate(AUTHORS, 1):
        w(f"\t<wp:author><wp:author_id>{i}</wp:author_id><wp:author_login>{cdata(login)}</wp:author_login>"
          f"<wp:author_email>{cdata(login + '@example.org')}</wp:author_email><wp:author_display_name>{cdata(name)}</wp:author_display_name>"
          f"<wp:author_first_name>{cdata('')}</wp:author_first_name><wp:author_last_name>{cdata('')}</wp:author_last_name></wp:author>\n")
    for i, c in enumerate(CATS, 1):
        w(f"\t<wp:category><wp:term_id>{i}</wp:term_id><wp:category_nicename>{cdata(c)}</wp:category_nicename>"
          f"<wp:category_parent>{cdata(PARENT.get(c, ''))}</wp:category_parent><wp:cat_name>{cdata(c.capitalize())}</wp:cat_name></wp:category>\n")
    for i in range(500):
        w(f"\t<wp:tag><wp:term_id>{100 + i}</wp:term_id><wp:tag_slug>{cdata('topic-%d' % i)}</wp:tag_slug><wp:tag_name>{cdata('Topic %d' % i)}</wp:tag_name></wp:tag>\n")
    w("\t<generator>https://wordpress.org/?v=6.1</generator>\n")
    for i in range(1, n + 1):
        pid = 1000 + i
        date = start + datetime.timedelta(minutes=int(i * 2 * 365 * 24 * 60 / max(n, 1)))
        d = date.strftime("%Y-%m-%d %H:%M:%S")
        slug = "story-number-%d-%s" % (i, rng.choice(WORDS))
        link = f"{SITE}/{date:%Y/%m/%d}/{slug}/"
        paras = [paragraph() for _ in range(rng.randint(12, 15))]
        gutenberg = i % 2 == 0
        parts = []
        for j, p in enumerate(paras):
            if j == 3 and i % 50 == 0 and i > 50:
                prev = start + datetime.timedelta(minutes=int((i - 50) * 2 * 365 * 24 * 60 / max(n, 1)))
                p += f' See also <a href="{SITE}/?p={pid - 50}">our earlier report</a>.'
            parts.append(f"<!-- wp:paragraph -->\n<p>{p}</p>\n<!-- /wp:paragraph -->" if gutenberg else p)
        if i % 10 == 0:
            parts.insert(2, f'[caption id="attachment_{pid}" align="aligncenter" width="800"]<img src="{SITE}/wp-content/uploads/{date:%Y/%m}/photo-{i}-800x600.jpg" alt="A scene" width="800" height="600" /> A caption for story {i}[/caption]')
        if i % 25 == 0:
            parts.insert(5, "[embed]https://www.youtube.com/watch?v=dQw4w9WgXcQ[/embed]")
        body = "\n\n".join(parts)
        cat = rng.choice(CATS)
        tags = rng.sample(range(500), 3)
        login = rng.choice(AUTHORS)[0]
        w("\t<item>\n")
        w(f"\t\t<title>{cdata('Story number %d: %s' % (i, sentence()[:-1]))}</title>\n\t\t<link>{link}</link>\n")
        w(f"\t\t<pubDate>{date:%a, %d %b %Y %H:%M:%S} +0000</pubDate>\n\t\t<dc:creator>{cdata(login)}</dc:creator>\n")
        w(f'\t\t<guid isPermaLink="false">{SITE}/?p={pid}</guid>\n\t\t<description></description>\n')
        w(f"\t\t<content:encoded>{cdata(body)}</content:encoded>\n\t\t<excerpt:encoded>{cdata(sentence() if i % 3 == 0 else '')}</excerpt:encoded>\n")
        w(f"\t\t<wp:post_id>{pid}</wp:post_id>\n\t\t<wp:post_date>{cdata(d)}</wp:post_date>\n\t\t<wp:post_date_gmt>{cdata(d)}</wp:post_date_gmt>\n")
        w(f"\t\t<wp:post_modified>{cdata(d)}</wp:post_modified>\n\t\t<wp:post_modified_gmt>{cdata(d)}</wp:post_modified_gmt>\n")
        w(f"\t\t<wp:comment_status>{cdata('open')}</wp:comment_status>\n\t\t<wp:ping_status>{cdata('open')}</wp:ping_status>\n")
        w(f"\t\t<wp:post_name>{cdata(slug)}</wp:post_name>\n\t\t<wp:status>{cdata('publish')}</wp:status>\n")
        w(f"\t\t<wp:post_parent>0</wp:post_parent>\n\t\t<wp:menu_order>0</wp:menu_order>\n\t\t<wp:post_type>{cdata('post')}</wp:post_type>\n")
        w(f"\t\t<wp:post_password>{cdata('')}</wp:post_password>\n\t\t<wp:is_sticky>0</wp:is_sticky>\n")
        w(f'\t\t<category domain="category" nicename="{cat}">{cdata(cat.capitalize())}</category>\n')
        for t in tags:
            w(f'\t\t<category domain="post_tag" nicename="topic-{t}">{cdata("Topic %d" % t)}</category>\n')
        if i % 4 == 0:
            w(f"\t\t<wp:postmeta>\n\t\t\t<wp:meta_key>{cdata('_yoast_wpseo_metadesc')}</wp:meta_key>\n\t\t\t<wp:meta_value>{cdata(sentence())}</wp:meta_value>\n\t\t</wp:postmeta>\n")
        for c in range(i % 3):
            w(f"\t\t<wp:comment>\n\t\t\t<wp:comment_id>{pid * 10 + c}</wp:comment_id>\n\t\t\t<wp:comment_author>{cdata('Reader')}</wp:comment_author>\n"
              f"\t\t\t<wp:comment_content>{cdata(sentence())}</wp:comment_content>\n\t\t\t<wp:comment_approved>{cdata('1')}</wp:comment_approved>\n\t\t</wp:comment>\n")
        w("\t</item>\n")
    w("</channel>\n</rss>\n")
