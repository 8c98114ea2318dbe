// The home page layout's preview follows the form before it is saved: the secondary count re-tiers
// the Top Stories list, each block's layout choice re-arranges its block (newsroom.css draws them).
(function () {
    var preview = document.querySelector("[data-front-preview]");
    if (!preview) return;
    var more = 4;
    var secondary = document.querySelector("[data-front-secondary]");
    function tiers() {
        var n = parseInt(secondary.value, 10) || 3;
        var top = preview.querySelector(".fp-top");
        top.setAttribute("data-secondary", String(n));
        Array.prototype.forEach.call(top.querySelectorAll("li"), function (li, i) {
            li.setAttribute("data-tier", i === 0 ? "lead" : i <= n ? "secondary" : i <= n + more ? "more" : "off");
        });
    }
    if (secondary) secondary.addEventListener("change", tiers);
    Array.prototype.forEach.call(document.querySelectorAll("[data-front-layout]"), function (select) {
        select.addEventListener("change", function () {
            var block = preview.querySelector('[data-preview-for="' + select.getAttribute("data-front-layout") + '"]');
            if (block) block.setAttribute("data-layout", select.value);
        });
    });
})();
