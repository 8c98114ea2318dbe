using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Byline.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class StoryFormats : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Articles_Latest",
                table: "Articles");

            migrationBuilder.DropIndex(
                name: "IX_Articles_Section",
                table: "Articles");

            migrationBuilder.DropIndex(
                name: "IX_Articles_TopSection",
                table: "Articles");

            migrationBuilder.AddColumn<int>(
                name: "Format",
                table: "Articles",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "FormatData",
                table: "Articles",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "LinkedArticleId",
                table: "Articles",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ShowId",
                table: "Articles",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "LiveBlogUpdates",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ArticleId = table.Column<int>(type: "INTEGER", nullable: false),
                    PostedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    EditedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Headline = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    BodyMarkdown = table.Column<string>(type: "TEXT", nullable: false),
                    BodyHtml = table.Column<string>(type: "TEXT", nullable: false),
                    IsPinned = table.Column<bool>(type: "INTEGER", nullable: false),
                    IsDeleted = table.Column<bool>(type: "INTEGER", nullable: false),
                    UserId = table.Column<int>(type: "INTEGER", nullable: true),
                    AuthorName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LiveBlogUpdates", x => x.Id);
                    table.ForeignKey(
                        name: "FK_LiveBlogUpdates_Articles_ArticleId",
                        column: x => x.ArticleId,
                        principalTable: "Articles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Shows",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Slug = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    ArtworkImageId = table.Column<int>(type: "INTEGER", nullable: true),
                    ScheduleText = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    IsActive = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Shows", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Shows_Images_ArtworkImageId",
                        column: x => x.ArtworkImageId,
                        principalTable: "Images",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Articles_Format",
                table: "Articles",
                columns: new[] { "Format", "PublishedAt", "Id" },
                filter: "\"Status\" = 3");

            migrationBuilder.CreateIndex(
                name: "IX_Articles_Latest",
                table: "Articles",
                columns: new[] { "PublishedAt", "Id", "Format" },
                filter: "\"Status\" = 3");

            migrationBuilder.CreateIndex(
                name: "IX_Articles_Section",
                table: "Articles",
                columns: new[] { "SectionId", "PublishedAt", "Id", "Format" },
                filter: "\"Status\" = 3");

            migrationBuilder.CreateIndex(
                name: "IX_Articles_Show",
                table: "Articles",
                columns: new[] { "ShowId", "PublishedAt", "Id" },
                filter: "\"Status\" = 3 AND \"ShowId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Articles_TopSection",
                table: "Articles",
                columns: new[] { "TopSectionId", "PublishedAt", "Id", "Format" },
                filter: "\"Status\" = 3");

            migrationBuilder.CreateIndex(
                name: "IX_LiveBlogUpdates_ArticleId_PostedAt",
                table: "LiveBlogUpdates",
                columns: new[] { "ArticleId", "PostedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Shows_ArtworkImageId",
                table: "Shows",
                column: "ArtworkImageId");

            migrationBuilder.CreateIndex(
                name: "IX_Shows_Slug",
                table: "Shows",
                column: "Slug",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "LiveBlogUpdates");

            migrationBuilder.DropTable(
                name: "Shows");

            migrationBuilder.DropIndex(
                name: "IX_Articles_Format",
                table: "Articles");

            migrationBuilder.DropIndex(
                name: "IX_Articles_Latest",
                table: "Articles");

            migrationBuilder.DropIndex(
                name: "IX_Articles_Section",
                table: "Articles");

            migrationBuilder.DropIndex(
                name: "IX_Articles_Show",
                table: "Articles");

            migrationBuilder.DropIndex(
                name: "IX_Articles_TopSection",
                table: "Articles");

            migrationBuilder.DropColumn(
                name: "Format",
                table: "Articles");

            migrationBuilder.DropColumn(
                name: "FormatData",
                table: "Articles");

            migrationBuilder.DropColumn(
                name: "LinkedArticleId",
                table: "Articles");

            migrationBuilder.DropColumn(
                name: "ShowId",
                table: "Articles");

            migrationBuilder.CreateIndex(
                name: "IX_Articles_Latest",
                table: "Articles",
                columns: new[] { "PublishedAt", "Id" },
                filter: "\"Status\" = 3");

            migrationBuilder.CreateIndex(
                name: "IX_Articles_Section",
                table: "Articles",
                columns: new[] { "SectionId", "PublishedAt", "Id" },
                filter: "\"Status\" = 3");

            migrationBuilder.CreateIndex(
                name: "IX_Articles_TopSection",
                table: "Articles",
                columns: new[] { "TopSectionId", "PublishedAt", "Id" },
                filter: "\"Status\" = 3");
        }
    }
}
