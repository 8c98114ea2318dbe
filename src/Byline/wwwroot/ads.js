// Fills the page's ad slots (docs/ads.md). The page is the same for every reader; the choice happens
// here, from /ads/creatives.json (eligible creatives and the ad-server settings for this page type).
// Order per slot: a direct-sold first-party creative, else the ad server (Google Ad Manager, with
// Prebid.js when configured) when the consent platform allows it, else a house creative. No
// third-party script loads unless configured and, when consent is required, consented to.
// Frequency caps are kept in this browser (localStorage), never in a cookie.
(function () {
    "use strict";
    var slots = document.querySelectorAll("aside[data-ad-position]");
    if (!slots.length || !window.fetch || !window.IntersectionObserver) return;
    var page = slots[0].getAttribute("data-ad-page");
    var section = slots[0].getAttribute("data-ad-section") || "";
    var desktop = window.matchMedia("(min-width: 768px)").matches;
    var capsKey = "byline.ads";

    function today() { return new Date().toISOString().slice(0, 10); }
    function loadCaps() {
        try {
            var stored = JSON.parse(window.localStorage.getItem(capsKey) || "null");
            if (stored && stored.d === today() && stored.n) return stored;
        } catch (e) { /* storage blocked: no caps remembered */ }
        return { d: today(), n: {} };
    }
    function saveCaps(caps) {
        try { window.localStorage.setItem(capsKey, JSON.stringify(caps)); } catch (e) { /* ignored */ }
    }
    var caps = loadCaps();

    function reserved(config, position) {
        var p = config.positions[position];
        var sizes = p ? (desktop ? p.desktop : p.mobile) : [];
        return sizes.reduce(function (h, s) { return Math.max(h, s[1]); }, 0);
    }

    // A creative fits when it is running now, has not reached its cap in this browser today, and is
    // no taller than the space reserved for the position (so filling it moves nothing) nor wider than the slot.
    function candidates(config, position, house, box) {
        var now = Date.now();
        var height = reserved(config, position);
        var width = box.clientWidth || 10000;
        return config.creatives.filter(function (c) {
            return c.house === house && c.positions.indexOf(position) >= 0
                && (c.start == null || c.start <= now) && (c.end == null || c.end > now)
                && (!c.cap || (caps.n[c.id] || 0) < c.cap)
                && c.h <= height && c.w <= width;
        });
    }

    function pick(list) {
        var total = list.reduce(function (t, c) { return t + c.weight; }, 0);
        var r = Math.random() * total;
        for (var i = 0; i < list.length; i++) {
            r -= list[i].weight;
            if (r < 0) return list[i];
        }
        return list[list.length - 1];
    }

    // A viewable impression: half the creative in view for a second (the usual display standard).
    function countWhenViewed(box, id) {
        var timer = 0;
        var observer = new IntersectionObserver(function (entries) {
            var entry = entries[entries.length - 1];
            if (entry.intersectionRatio >= 0.5) {
                if (!timer) timer = setTimeout(function () {
                    observer.disconnect();
                    var url = "/ads/i/" + id;
                    if (!(navigator.sendBeacon && navigator.sendBeacon(url))) {
                        fetch(url, { method: "POST", keepalive: true, credentials: "omit" });
                    }
                    box.setAttribute("data-ad-counted", "true");
                }, 1000);
            } else if (timer) {
                clearTimeout(timer);
                timer = 0;
            }
        }, { threshold: [0, 0.5] });
        observer.observe(box);
    }

    function fill(box, c) {
        if (c.img) {
            var link = document.createElement("a");
            link.href = "/ads/click/" + c.id;
            link.target = "_blank";
            link.rel = "sponsored noopener";
            var img = document.createElement("img");
            img.src = c.img;
            img.width = c.w;
            img.height = c.h;
            img.alt = c.alt || "";
            img.decoding = "async";
            link.appendChild(img);
            box.appendChild(link);
        } else {
            // Sanitised on save, and sandboxed here: no script, no same-origin access; links may open a new window.
            var frame = document.createElement("iframe");
            frame.setAttribute("sandbox", "allow-popups allow-popups-to-escape-sandbox");
            frame.setAttribute("scrolling", "no");
            frame.title = "Advertisement";
            frame.width = c.w;
            frame.height = c.h;
            frame.srcdoc = c.html;
            box.appendChild(frame);
        }
        box.setAttribute("data-ad-filled", String(c.id));
        caps.n[c.id] = (caps.n[c.id] || 0) + 1;
        saveCaps(caps);
        countWhenViewed(box, c.id);
    }

    function fillFirstParty(config, position, box, house) {
        var list = candidates(config, position, house, box);
        if (!list.length) return false;
        fill(box, pick(list));
        return true;
    }

    // TCF v2.2: resolves true once the CMP reports consent for every purpose the ad servers need
    // (or says GDPR does not apply); false when there is no CMP on the page or consent is refused.
    var consentAnswer = null;
    function consent(config) {
        if (!config.consent) return Promise.resolve(true);
        if (consentAnswer) return consentAnswer;
        consentAnswer = new Promise(function (resolve) {
            if (typeof window.__tcfapi !== "function") { resolve(false); return; }
            window.__tcfapi("addEventListener", 2, function (data, success) {
                if (!success || !data) { resolve(false); return; }
                if (data.gdprApplies === false) { resolve(true); return; }
                if (data.eventStatus !== "tcloaded" && data.eventStatus !== "useractioncomplete") return;
                var given = data.purpose && data.purpose.consents || {};
                resolve(config.purposes.every(function (p) { return given[p] === true; }));
            });
        });
        return consentAnswer;
    }

    function loadScript(src) {
        return new Promise(function (resolve, reject) {
            var s = document.createElement("script");
            s.src = src;
            s.async = true;
            s.onload = resolve;
            s.onerror = reject;
            document.head.appendChild(s);
        });
    }

    var adServer = null;
    function loadAdServer(config) {
        if (!adServer) {
            adServer = consent(config).then(function (ok) {
                if (!ok) throw new Error("no consent");
                window.googletag = window.googletag || { cmd: [] };
                var loads = [loadScript(config.gam.script)];
                if (config.prebid) {
                    window.pbjs = window.pbjs || { que: [] };
                    loads.push(loadScript(config.prebid.script).catch(function () { /* no bids: Ad Manager alone */ }));
                }
                return Promise.all(loads);
            });
        }
        return adServer;
    }

    function serveAdServer(config, position, box, fallback) {
        var p = config.positions[position];
        var sizes = desktop ? p.desktop : p.mobile;
        loadAdServer(config).then(function () {
            var googletag = window.googletag;
            googletag.cmd.push(function () {
                // Creatives render in cross-origin SafeFrames: their own scripts and pictures are not bound
                // by this page's Content-Security-Policy, which lists only what GPT itself needs.
                if (googletag.pubads().setForceSafeFrame) googletag.pubads().setForceSafeFrame(true);
                var slot = googletag.defineSlot(p.unit, sizes, box.id);
                if (!slot) { fallback(); return; }
                slot.addService(googletag.pubads());
                // Key-values for line items: the position, the page type and the section path (top
                // first), so a line item for "world" also runs on the pages of its sub-sections.
                if (slot.setTargeting) {
                    slot.setTargeting("pos", position);
                    slot.setTargeting("page", page);
                    if (config.sections && config.sections.length) slot.setTargeting("section", config.sections);
                }
                googletag.pubads().addEventListener("slotRenderEnded", function (e) {
                    if (e.slot === slot && e.isEmpty) fallback();
                });
                googletag.enableServices();
                var pbjs = window.pbjs;
                if (config.prebid && p.bids && pbjs && pbjs.que) {
                    pbjs.que.push(function () {
                        pbjs.addAdUnits([{ code: box.id, mediaTypes: { banner: { sizes: sizes } }, bids: p.bids }]);
                        pbjs.requestBids({
                            adUnitCodes: [box.id],
                            timeout: config.prebid.timeout,
                            bidsBackHandler: function () {
                                pbjs.setTargetingForGPTAsync([box.id]);
                                googletag.display(box.id);
                            }
                        });
                    });
                } else {
                    googletag.display(box.id);
                }
            });
        }).catch(fallback);
    }

    function serve(config, aside) {
        var position = aside.getAttribute("data-ad-position");
        var box = aside.querySelector(".ad-slot");
        if (!box || !config.positions[position]) return;
        if (fillFirstParty(config, position, box, false)) return;
        var house = function () { if (!box.hasAttribute("data-ad-filled")) fillFirstParty(config, position, box, true); };
        if (config.gam && config.positions[position].unit) {
            serveAdServer(config, position, box, house);
        } else {
            house();
        }
    }

    fetch("/ads/creatives.json?page=" + encodeURIComponent(page) + "&section=" + encodeURIComponent(section), { credentials: "omit" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (config) {
            if (!config) return;
            // Slots are filled as they come near the screen, so nothing below the fold costs anything up front.
            var near = new IntersectionObserver(function (entries) {
                entries.forEach(function (entry) {
                    if (!entry.isIntersecting) return;
                    near.unobserve(entry.target);
                    serve(config, entry.target);
                });
            }, { rootMargin: "300px 0px" });
            Array.prototype.forEach.call(slots, function (aside) { near.observe(aside); });
        })
        .catch(function () { /* no ads: the reserved space stays empty */ });
})();
