#!/usr/bin/env python3
"""make-ghost.py N OUT.json — a Ghost 5 export of N posts (Lexical bodies of ~12 paragraphs, 40 tags,
8 authors), the shape `byline import ghost` reads; written as a stream so N can be large."""
import json, random, sys

n, out = int(sys.argv[1]), sys.argv[2]
rnd = random.Random(14)
words = "council budget river school road library flood vote mayor market health station park police court".split()
def oid(prefix, i): return f"{prefix}{i:022x}"[:24]
tags = [(oid("aa", i), f"Topic {i}", f"topic-{i}") for i in range(40)]
users = [(oid("bb", i), f"Writer {i}", f"writer-{i}") for i in range(8)]
with open(out, "w", encoding="utf-8") as f:
    f.write('{"db":[{"meta":{"exported_on":1714636800000,"version":"5.82.0"},"data":{"posts":[')
    for i in range(n):
        paras = [{"type": "paragraph", "children": [{"type": "text", "format": 0,
                  "text": " ".join(rnd.choice(words) for _ in range(60))}]} for _ in range(12)]
        lexical = json.dumps({"root": {"type": "root", "children": paras}})
        post = {"id": oid("cc", i), "uuid": f"00000000-0000-4000-8000-{i:012d}", "title": f"Story {i} about the {rnd.choice(words)}",
                "slug": f"story-{i}", "lexical": lexical, "mobiledoc": None, "html": None, "feature_image": None,
                "type": "post", "status": "published", "visibility": "public",
                "created_at": "2024-01-01T00:00:00.000Z", "updated_at": "2024-01-01T00:00:00.000Z",
                "published_at": f"2024-01-{1 + i % 28:02d}T08:00:00.000Z", "custom_excerpt": "A standfirst."}
        f.write(("," if i else "") + json.dumps(post))
    f.write('],"tags":' + json.dumps([{"id": t, "name": nm, "slug": s, "visibility": "public"} for t, nm, s in tags]))
    f.write(',"users":' + json.dumps([{"id": u, "name": nm, "slug": s} for u, nm, s in users]))
    f.write(',"posts_tags":[')
    f.write(",".join(json.dumps({"id": oid("dd", i * 2 + k), "post_id": oid("cc", i), "tag_id": tags[(i + k * 7) % 40][0], "sort_order": k}) for i in range(n) for k in range(2)))
    f.write('],"posts_authors":[')
    f.write(",".join(json.dumps({"id": oid("ee", i), "post_id": oid("cc", i), "author_id": users[i % 8][0], "sort_order": 0}) for i in range(n)))
    f.write(']}}]}')
