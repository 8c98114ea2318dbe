using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Byline.Storage.Migrations.Postgres
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
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "FormatData",
                table: "Articles",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "LinkedArticleId",
                table: "Articles",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ShowId",
                table: "Articles",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "LiveBlogUpdates",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ArticleId = table.Column<int>(type: "integer", nullable: false),
                    PostedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    EditedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Headline = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    BodyMarkdown = table.Column<string>(type: "text", nullable: false),
                    BodyHtml = table.Column<string>(type: "text", nullable: false),
                    IsPinned = table.Column<bool>(type: "boolean", nullable: false),
                    IsDeleted = table.Column<bool>(type: "boolean", nullable: false),
                    UserId = table.Column<int>(type: "integer", nullable: true),
                    AuthorName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
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
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Slug = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    ArtworkImageId = table.Column<int>(type: "integer", nullable: true),
                    ScheduleText = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Position = table.Column<int>(type: "integer", nullable: false),
                    IsActive = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
