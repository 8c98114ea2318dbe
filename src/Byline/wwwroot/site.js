// Progressive: the copy link is a plain link to the article; with script it copies instead.
document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("a.share-copy");
    if (!link || !navigator.clipboard) return;
    e.preventDefault();
    var status = link.parentElement.querySelector(".share-status");
    navigator.clipboard.writeText(link.href).then(function () {
        if (status) status.textContent = "Link copied";
    }, function () {
        window.location.href = link.href;
    });
});

// Counts a read: a first-party beacon with the page's view token (the story's id, the hour the page
// was made, and the site's signature of both), nothing else. It runs in the browser, so a page served
// from a cache still counts; no cookie is read or set.
(function () {
    var story = document.querySelector("article.story[data-view]");
    if (!story) return;
    var id = story.getAttribute("data-view");
    if (!id) return;
    if (navigator.sendBeacon) {
        navigator.sendBeacon("/v", id);
    } else if (window.fetch) {
        fetch("/v", { method: "POST", body: id, keepalive: true, credentials: "omit" });
    }
})();

// The header's menu (and any details[data-disclosure]): a native <details> disclosure without script;
// with it the button names the panel it controls and says whether it is open, focus moves to the
// panel's first link on opening, and Escape closes it and returns focus to the button.
(function () {
    var items = document.querySelectorAll("details[data-disclosure]");
    Array.prototype.forEach.call(items, function (details) {
        var button = details.querySelector("summary");
        var panel = details.querySelector("summary + *");
        if (!button || !panel) return;
        if (panel.id) button.setAttribute("aria-controls", panel.id);
        button.setAttribute("aria-expanded", details.open ? "true" : "false");
        details.addEventListener("toggle", function () {
            button.setAttribute("aria-expanded", details.open ? "true" : "false");
            if (details.open) {
                var first = panel.querySelector("a[href], button, input");
                if (first) first.focus();
            }
        });
        details.addEventListener("keydown", function (e) {
            if (e.key === "Escape" && details.open) {
                e.preventDefault();
                details.open = false;
                button.focus();
            }
        });
    });
})();
