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
