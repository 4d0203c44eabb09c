"""Tricky Hugo inputs, one construct (or a few) each, as real sites write them.

Each is modelled on what Hugo themes and docs sites put in their content
(Docsy, Blowfish, Hugo Book, Relearn/Learn, kubernetes, opentelemetry, the
Hugo docs themselves): tabs, lists holding code blocks, tables without
leading pipes, HTML blocks with markdown after a blank line, shortcodes
spanning lines, ``tabpane`` with ``{{% tab %}}``, headings with ``{#id}``,
footnotes, definition-like lines, JSON front matter, front matter only, no
front matter, mixed line ends... The round-trip and pseudo tests run every
one of them: identity must give back the bytes, pseudo must keep the
structure (``tests/support/structure.py``).
"""
from __future__ import annotations

TRICKY: dict[str, str] = {}
TRICKY["tabs_indent"] = "---\ntitle: Tabs\n---\n\n-\tItem with a tab\n-\tSecond item\n\n\tcode indented by a tab\n\nText after.\n"
TRICKY["list_code"] = """---
title: Install
---

1. Download the archive:

   ```shell
   curl -LO https://example.com/tool.tar.gz
   ```

2. Unpack it:

       tar xzf tool.tar.gz

3. Run `./tool --help` and read the output.
   It explains every **option**.

- A bullet with a nested fence:
  ~~~yaml
  key: value
  ~~~
"""
TRICKY["table_no_pipes"] = """Name | Value | Notes
:--- | :---: | ---:
`port` | 8080 | the *default* port
host | localhost | see [docs](https://example.com/docs)
escaped \\| pipe | `a|b` | x
"""
TRICKY["html_block_md"] = """<div class="alert">

This is **markdown** inside a div, after a blank line.

- a list item
- another one

</div>

<section>
<h2>Raw heading</h2>
<p>Paragraph with <a href="https://example.com" title="Example site">a link</a>.</p>
</section>

<img src="/a.png" alt="An image described">
"""
TRICKY["multiline_shortcode"] = """Intro paragraph.

{{< figure
    src="/images/a.png"
    caption="A caption that spans
several lines"
    alt="Alt text"
    class="wide" >}}

{{< youtube
  id="abc123"
  title="A video" >}}

After.
"""
TRICKY["tabpane_tab"] = """{{< tabpane >}}
{{% tab header="**Languages:**" disabled=true /%}}
{{< tab header="Python" lang="python" >}}
print("hello")
{{< /tab >}}
{{% tab header="English" %}}
Some **markdown** text in a tab.
{{% /tab %}}
{{< /tabpane >}}
"""
TRICKY["heading_ids"] = """# Title {#main-title}

## Second heading ##

### Third {.class #id}

#### Fourth with `code` and [link](/x) {#fourth}

#hashtag is not a heading
"""
TRICKY["footnotes"] = """Text with a footnote[^1] and another[^note].

[^1]: The first footnote, with a [link](https://example.com).
[^note]: A longer note
    that continues on an indented line.
"""
TRICKY["deflist"] = """Term
: Definition of the term.

Another term
: Its definition, with **bold**.
"""
TRICKY["json_fm"] = """{
  "title": "JSON front matter",
  "date": "2024-01-01",
  "tags": ["a", "b"]
}

Body text after JSON front matter.
"""
TRICKY["fm_only"] = """---
title: Only front matter
description: "Nothing below"
---
"""
TRICKY["fm_only_nonl"] = "---\ntitle: Only front matter\n---"
TRICKY["no_fm"] = "Just a paragraph.\n\nAnd another with *emphasis*.\n"
TRICKY["no_final_newline"] = "---\ntitle: x\n---\n\nNo final newline here"
TRICKY["crlf_mixed"] = "---\r\ntitle: Mixed\r\n---\r\n\r\nLine one\nLine two\r\n"
TRICKY["docsy_blocks"] = """---
title: "Docsy"
linkTitle: "Docsy"
menu:
  main:
    weight: 10
---

{{< blocks/cover title="Welcome to Docsy!" image_anchor="top" height="full" >}}
<a class="btn btn-lg btn-primary me-3 mb-4" href="/docs/">
  Learn More <i class="fas fa-arrow-alt-circle-right ms-2"></i>
</a>
<p class="lead mt-5">A theme for technical documentation sites</p>
{{< blocks/link-down color="info" >}}
{{< /blocks/cover >}}

{{% blocks/lead color="primary" %}}
Docsy is a theme for the Hugo static site generator.
{{% /blocks/lead %}}

{{% blocks/section color="dark" type="row" %}}
{{% blocks/feature icon="fa-lightbulb" title="New chair metrics!" %}}
The Goldydocs UI now shows chair size metrics by default.
{{% /blocks/feature %}}
{{% /blocks/section %}}
"""
TRICKY["k8s"] = """---
title: Pods
content_type: concept
weight: 10
no_list: true
---

<!-- overview -->

_Pods_ are the smallest deployable units of computing that you can create and manage in Kubernetes.

A _Pod_ (as in a pod of whales or pea pod) is a group of one or more
{{< glossary_tooltip text="containers" term_id="container" >}}, with shared storage and network resources.

{{< feature-state for_k8s_version="v1.25" state="stable" >}}

{{% code_sample file="pods/simple-pod.yaml" %}}

{{< note >}}
Restarting a container in a Pod should not be confused with restarting a Pod.
{{< /note >}}

{{< table caption="Pod phases" >}}
Value | Description
:-----|:-----------
`Pending` | The Pod has been accepted by the Kubernetes cluster.
`Running` | The Pod has been bound to a node.
{{< /table >}}

## {{% heading "whatsnext" %}}

* Learn about the [lifecycle of a Pod](/docs/concepts/workloads/pods/pod-lifecycle/).
* Read about [PodDisruptionBudget](/docs/concepts/workloads/pods/disruptions/) and how you can use it.
"""
TRICKY["hugo_docs"] = """---
title: Shortcodes
weight: 35\t#rem
categories: [content management]
keywords: [markdown,content,shortcodes]
aliases: [/extras/shortcodes/]
testparam: "Hugo Rocks!"
---

In your content files, a shortcode can be called by calling `{{%/* shortcodename parameters */%}}`.

```
{{%/* mdshortcode */%}}Stuff to `process` in the *center*.{{%/* /mdshortcode */%}}
```

```
{{</*  myshortcode `This is some <b>HTML</b>,
and a new line with a "quoted string".` */>}}
```

src
: URL of the image to be displayed.

{{< code file="figure-input-example.md" >}}
{{</* figure src="/media/spf13.jpg" title="Steve Francia" */>}}
{{< /code >}}

{{< output file="figure-output-example.html" >}}
<figure>
  <img src="/media/spf13.jpg"  />
  <figcaption>
      <h4>Steve Francia</h4>
  </figcaption>
</figure>
{{< /output >}}

{{% note "More on Syntax Highlighting" %}}
To see even more options, see [Syntax Highlighting](/tools/syntax-highlighting/).
{{% /note %}}

If you'd like to embed a photo from [Instagram][], you only need the photo's ID.

{{< param testparam >}}

[Instagram]: https://www.instagram.com/
[figureelement]: https://html5doctor.com/the-figure-figcaption-elements/ "An article from HTML5 doctor."
[YouTube Input shortcode]:
    #youtube
"""
TRICKY["blowfish"] = """---
title: "Rich Content"
date: 2019-03-10
description: "A brief description of Hugo Shortcodes"
tags: ["shortcodes", "privacy"]
type: 'sample'
---

Hugo ships with several [Built-in Shortcodes](https://gohugo.io/content-management/shortcodes/#use-hugos-built-in-shortcodes) for rich content.

<!--more-->

## YouTube

{{< youtube ZJthWmvUzzc >}}

<br>

---

## Twitter

{{< tweet user="SanDiegoZoo" id="1453110110599868418" >}}

{{< alert "circle-info" >}}
**Note:** this is an alert with an icon.
{{< /alert >}}

{{< lead >}}
A lead paragraph.
{{< /lead >}}

{{< badge >}}
New article!
{{< /badge >}}

{{< button href="#button" target="_self" >}}
Call to action
{{< /button >}}

{{< icon "github" >}} inline icon and {{< katex >}} $$\\sqrt{2}$$

{{< mermaid >}}
graph LR;
A[Lemons]-->B[Lemonade];
{{< /mermaid >}}

{{< gallery >}}
  <img src="gallery/01.jpg" class="grid-w33" />
  <img src="gallery/02.jpg" class="grid-w33" />
{{< /gallery >}}
"""
TRICKY["learn"] = """+++
archetype = "home"
title = "Hugo Relearn Theme"
[params]
  description = "A theme"
+++

{{% notice style="primary" title="There may be pirates" icon="skull-crossbones" %}}
It is all about the boxes.
{{% /notice %}}

{{% expand title="Expand me..." %}}Thank you!{{% /expand %}}

{{< tabs groupid="a" >}}
{{% tab title="json" %}}
```json
{ "Hello": "World" }
```
{{% /tab %}}
{{% tab title="_**XML**_ stuff" %}}
```xml
<Hello>World</Hello>
```
{{% /tab %}}
{{< /tabs >}}

{{% button href="https://gohugo.io/" icon="dragon" %}}Get Hugo{{% /button %}}

* [Getting Started]({{% relref "basics/getting-started" %}})
* {{% icon icon="star" %}} Star us
"""
TRICKY["book"] = """---
weight: 1
bookFlatSection: true
title: "Introduction"
---

# Introduction

## Columns

{{% columns %}}
- ### Left
  Lorem markdownum insigne. Olympo signis Delphis!

- ### Right
  Dixit et unda.
{{% /columns %}}

{{< hint info >}}
**Markdown content**  
Lorem markdownum insigne.
{{< /hint >}}

{{< button relref="/" >}}Get Home{{< /button >}}

{{< details "Title" open >}}
## Markdown content
Lorem markdownum insigne.
{{< /details >}}

{{< katex display=true >}}
f(x) = \\int_{-\\infty}^\\infty\\hat f(\\xi)\\,e^{2 \\pi i \\xi x}\\,d\\xi
{{< /katex >}}

Inline {{< katex >}}\\pi(x){{< /katex >}} math.
"""
TRICKY["emphasis_edge"] = """Some *nested **strong** emphasis* and ***both*** and _under_score_ words.

snake_case_words and 2*3*4 and a * lone star and __init__.py file.

Strike ~~through~~ and ~single~ tilde and ~~~three~~~.

**Bold with [link](http://x.com) inside** and [link with **bold**](http://y.com).

`code with ** stars` and ``double `tick` code``.

<span class="x">*emphasis in span*</span> and <!-- inline comment --> end.

A line ending with a backslash\\
next line. And a URL www.example.com/path?a=1&b=2, plus https://ex.com/a_(b).

Escapes: \\* not emphasis \\*, \\[not a link\\](x), 1\\. not a list, \\# not a heading.

Entities: &copy; &#169; &#xA9; &amp;amp; &notanentity; AT&T.

![](empty-alt.png) and ![alt *with* emphasis](img.png "Title").

[![Badge](https://img.shields.io/badge/x-y-green)](https://example.com)
"""
TRICKY["lists_edge"] = """* item one
* item two

    continuation paragraph indented by four.

* item three
+ plus list
1) paren list
2) second

10. ten
11. eleven

- [ ] todo
- [X] done with capital X
  - [ ] nested todo

-   wide marker spacing
    continuation
- 
  empty first line item
"""
TRICKY["blockquote_edge"] = """> Quote line one
lazy continuation line
> > nested quote
>
> ```
> code in quote
> ```
>
> 1. list in quote
>    continued

> {{< callout >}}
> Callout inside a quote.
> {{< /callout >}}
"""
TRICKY["shortcode_in_heading_and_cells"] = """## Version {{< param "version" >}} notes

| Feature | Status |
|---|---|
| {{< icon "check" >}} | Done, see [docs]({{< ref "docs.md" >}}) |
| Multi `code` | {{% param "x" %}} |

Text {{< hl >}}highlighted with a [link](https://x.org){{< /hl >}} end.
"""
TRICKY["html_comment_block"] = """<!--
A multi-line comment
with [a link](http://x.com)
-->

Paragraph.

<!-- single line comment -->

<script>
var x = "<b>not markup</b>";
</script>

<style>
p { color: red; }
</style>

<pre>
preformatted *text*
</pre>
"""
TRICKY["setext_edge"] = """Heading one
===

Heading two
---

Paragraph then
- a list

---

***
"""
TRICKY["toml_complex"] = """+++
title = 'Literal "title"'
description = \"\"\"
Multi-line
description\"\"\"
tags = [
  "one",
  "two",
]
[params]
subtitle = "Sub \\"quoted\\""
[[menu.main]]
name = "Home"
weight = 1
+++

Body.
"""
TRICKY["yaml_complex"] = """---
title: >
  A folded
  title
summary: |-
  Line one
  Line two
tags: ["quoted, with comma", plain tag, 'single']
categories:
- unindented list
- second
description: "multi
  line double"
subtitle: "text with: colon"
date: 2024-01-01
weight: 5 # comment
empty:
nested: {a: 1, b: [x, y]}
anchors: &anc
  key: value
ref: *anc
---

Body.
"""
TRICKY["raw_html_inline_attrs"] = """Click <a href="/x" title="Go to x">here</a> or <img src="y.png" alt="A y"/>.
<kbd>Ctrl</kbd>+<kbd>Alt</kbd> and <sup>1</sup>, <br/> done.
"""
TRICKY["escaped_pipes_code_in_table"] = """| Syntax | Description |
| --- | ----------- |
| `a \\| b` | pipe in code |
| **bold** | text with \\| escaped pipe |
"""
TRICKY["link_edge"] = """[link](</my url> "title") and [a](http://x.com/(paren)) and [b](#anchor 'single').

[full][ref] and [collapsed][] and [shortcut] and [undefined] brackets.

[ref]: http://example.com/full
[collapsed]: <http://example.com/collapsed>
[shortcut]: /shortcut "Shortcut title"

<http://autolink.com/path> and <mailto:me@x.com> and user@example.com.
"""
TRICKY["hugo_inner_comment"] = """{{< comment >}}
This is not published.
{{< /comment >}}

{{</* comment */>}}
"""
TRICKY["percent_shortcode_inline"] = """Here is {{% mark %}}marked **text**{{% /mark %}} in a sentence, and {{< kbd "Ctrl" >}}.
"""
TRICKY["front_yaml_dashes_body"] = """---
title: x
---
Body immediately after.

---

Another section after a thematic break.

---
"""
TRICKY["indented_code_after_para"] = """Paragraph
    not code (lazy continuation)

    real code block

Text.
"""
TRICKY["unicode_only"] = """---
title: "日本語のタイトル"
---

これは段落です。**太字**と[リンク](https://example.jp)。

😀 🇫🇷 emoji only line 🎉
"""
TRICKY["k8s_lists"] = """---
title: Cycle de vie
content_template: templates/concept
---

{{% capture overview %}}

Cette page décrit le cycle de vie.

{{% /capture %}}


{{% capture body %}}

Le champ `status` est un objet
[PodStatus](/docs/reference/{{< param "version" >}}/#podstatus-v1-core),
contenant un champ `phase`. 
Une ligne avec un espace final 
et une autre.

* Le champ `lastProbeTime` fournit un horodatage
 a été sondée pour la dernière fois.

* Le champ `type` a une des valeurs suivantes :

  * `PodScheduled` : le Pod a été affecté ;
  * `Ready` : le Pod est prêt et doit être ajouté aux équilibreurs 
    de charge de tous les Services ;

* `Waiting` : état par défaut. Un conteneur dans l'état Waiting exécute 
les opérations nécessaires, comme télécharger les images.

    ```yaml
   ...
      State:          Waiting
\t  ...
   ```
   
* `Running` : le conteneur s'exécute sans problème.  
   
   ```yaml
   ...
   ```   
       
* `Terminated`:  le conteneur a terminé.
  
   ```yaml
      State:          Terminated
   ``` 

- Utilisez un [Job](/docs/concepts/jobs/) pour des
Pods qui doivent se terminer.

   * Un Pod est en cours d'exécution.
     * Écriture d'un événement.
       * Always : Redémarrage du Conteneur.

{{% /capture %}}
"""
TRICKY["otel"] = """---
title: Getting Started
description: Get telemetry for your app in less than 5 minutes!
cSpell:ignore: ASPNETCORE rolldice
weight: 10
---

This page will show you how to get started with OpenTelemetry in .NET.

## Prerequisites

Ensure that you have the following installed locally:

- [.NET SDK](https://dotnet.microsoft.com/download/dotnet) 6+

## Example Application

{{% alert title="Note" color="info" %}}
If you are not using ASP.NET Core, that's OK — you can still use OpenTelemetry .NET.
{{% /alert %}}

<!-- markdownlint-disable -->

```sh
dotnet new web
```

<!-- markdownlint-restore -->

In the `Program.cs` file, replace the contents with:

```csharp
using System.Globalization;
var builder = WebApplication.CreateBuilder(args);
```

{{< tabpane text=true >}} {{% tab header="Linux/macOS" lang="Linux/macOS" %}}

```sh
export OTEL_TRACES_EXPORTER=none \\
  OTEL_LOGS_EXPORTER=console
```

{{% /tab %}} {{% tab header="Windows (PowerShell)" lang="Windows (PowerShell)" %}}

```powershell
$env:OTEL_TRACES_EXPORTER="none"
```

{{% /tab %}} {{< /tabpane >}}

<details>
<summary>View example output</summary>

```log
LogRecord.Timestamp:               2023-08-14T06:44:53.9279186Z
```

</details>

For more, see [traces][] and the [spec][otel-spec].

[traces]: /docs/concepts/signals/traces/
[otel-spec]:
  https://github.com/open-telemetry/opentelemetry-specification/blob/main/specification/README.md
"""
TRICKY["docsy_docs"] = """---
title: "Adding Content"
linkTitle: "Adding Content"
weight: 3
description: >
  Add different types of content to your Docsy site.
---

## Content root directories

You add content for your site under the **content root directory** of your
Hugo site project - either `content/` or a [language-specific
root](/docs/language/#content-and-configuration) like `content/en/`.

```toml
[params.ui]
sidebar_menu_compact = true
```

{{% pageinfo %}}
This is a placeholder page. Replace it with your own content.
{{% /pageinfo %}}

{{< alert title="Warning" color="warning" >}}This is a warning.{{< /alert >}}

{{< card header="**Imagine**" title="Artist and songwriter: John Lennon" subtitle="Co-writer: Yoko Ono" footer="![SignatureJohnLennon](https://server.tld/sig.png)">}}
Imagine there's no heaven, It's easy if you try<br/>
No hell below us, above us only sky<br/>
{{< /card >}}

{{< cardpane >}}
{{< card header="Header card 1" >}}
This is the content of card 1.
{{< /card >}}
{{< card header="Header card 2" >}}
This is the content of card 2.
{{< /card >}}
{{< /cardpane >}}

{{< readfile file="includes/installation.md" >}}

{{< swaggerui src="/openapi/petstore.yaml" >}}

{{< iframe src="https://example.com" sub="Your browser cannot display embedded frames.">}}

1. First step
1. Second step, with a shortcode: {{< ref "docs/getting-started" >}}
1. Third step
"""
TRICKY["html_entities_mix"] = """Paragraph with &lt;tag&gt; written as entities, &quot;quotes&quot; and &#x27;apos&#x27;.

<table>
  <tr><th>Head</th><th>Other</th></tr>
  <tr><td>Cell with <em>emphasis</em></td><td><a href="https://x.org">Link text</a></td></tr>
</table>

<p>
Multi-line paragraph inside a p tag,
with a second line.
</p>

<center>Centered text</center>

Text <span style="color:red">red <b>bold</b> text</span> end.
"""
TRICKY["attributes_goldmark"] = """A paragraph with attributes.
{.note}

> A quote
{.quote-class}

## Heading {id="custom-id" class="x"}
"""
TRICKY["shortcode_weird_params"] = """{{< figure src="a.png" caption="Quote \\"inside\\" caption" >}}

{{< figure src='single.png' title="Title here" >}}

{{<figure src="nospace.png" alt="No spaces around">}}

{{< x key=bare positional "quoted arg" `backtick arg` >}}

{{% notice note "Titled notice" %}}
Body of the notice.
{{% /notice %}}

{{< figure src="a.png" caption="Caption with **bold** and [a link](https://x.com)" >}}

{{< gist spf13 7896402 >}}

{{< highlight python "linenos=inline" >}}
def f():
    return "{{< not a shortcode >}}"
{{< /highlight >}}
"""
TRICKY["empty_units"] = """---
title: ""
tags: []
description: " "
---

##

-

>

| | |
|---|---|
| | |

**

[](https://example.com)
"""
TRICKY["alerts_emoji_attrs"] = """> [!NOTE]
> Useful information that users should know.

> [!WARNING]+ Custom title
> Critical content.

I :heart: Hugo :+1: and the ratio 1:2:3, at 10:30.

## Heading {id="custom-id" class="wide"}

A paragraph with a block attribute.
{.note #para-id}

{.standalone}
"""
TRICKY["math"] = """Inline math $a^2 + b^2$ stays text.

$$
\\int_0^1 x^2 \\, dx = \\frac{1}{3}
$$

Not math: $$ on a line with text $$.
"""
TRICKY["yaml_anchor_alias_tag"] = """---
summary: &s Some text shared by two keys
description: *s
title: !!str Tagged title
---

Body.
"""
TRICKY["toml_multiline_arrays"] = """+++
title = "T"
tags = [
  "one",  # a comment with "quotes"
  'two',
]
categories = ["a",
  "b"]
+++

Body.
"""
TRICKY["yaml_block_scalars_edge"] = """---
title: >

  Leading blank line
  folded
description: |2
    indented more
  base
summary: >-
    Deeper indentation
    than usual.
---
"""


# ---------------------------------------------------------------- random articles

# Inline pieces and blocks that random articles are made of: every construct above,
# glued together in ways an author would not always think of (no blank line between
# blocks, blocks nested in lists, quotes and shortcodes).
_INLINE = [
    "plain words here", "**bold text**", "*italic*", "_under_", "__strong__", "~~strike~~", "`code`", "``co`de``",
    "[link](https://ex.com/a)", '[link *em*](/rel "T")', "![alt text](img.png)", "<https://auto.ex>", "https://bare.ex/x",
    "<b>html</b>", "<br>", "&amp;", "&nbsp;", "\\*", "{{<hl>}}high{{</hl>}}", '{{< icon "x" >}}', "[ref]", "[txt][ref]",
    "[^1]", "l'apostrophe", "« guillemets »", "2019", "C++", "a_b_c", "**bold** s", "x*y*z", "{{% mark %}}m{{% /mark %}}",
    '[rel]({{< relref "a.md" >}})', "<!-- c -->", '<span class="a">span</span>', "émoji 🎉", "日本語", ":smile:",
]


def _inline(r) -> str:
    return " ".join(r.choice(_INLINE) for _ in range(r.randint(1, 6)))


def _block(r, depth: int = 0) -> str:
    k = r.randint(0, 18 if depth < 2 else 9)
    if k == 0:
        return "#" * r.randint(1, 6) + " " + _inline(r) + r.choice(["", " {#id}", " ##"])
    if k == 1:
        return _inline(r) + "\n" + r.choice(["===", "---"])
    if k in (2, 3):
        return "\n".join(_inline(r) for _ in range(r.randint(1, 3)))
    if k == 4:
        return "```" + r.choice(["", "go", "sh"]) + "\ncode *x* {{< y >}}\n```"
    if k == 5:
        return "~~~\ncode\n~~~"
    if k == 6:
        return "| a | b |\n|---|:-:|\n| " + _inline(r) + " | " + r.choice(_INLINE) + " |"
    if k == 7:
        return '{{< figure src="a.png" caption="' + r.choice(["Cap", "Cap with **b**", "l'été"]) + '" >}}'
    if k == 8:
        return '<div class="x">\n<p>' + _inline(r) + "</p>\n</div>"
    if k == 9:
        return "[ref]: https://ref.ex/\n[^1]: Footnote " + _inline(r)
    if k == 10:
        markers = ["- ", "* ", "1. ", "- [ ] ", "- [x] "]
        return "\n".join(r.choice(markers) + _block(r, depth + 1).replace("\n", "\n   ") for _ in range(r.randint(1, 3)))
    if k == 11:
        return "> " + _block(r, depth + 1).replace("\n", "\n> ")
    if k == 12:
        return "{{< callout " + r.choice(["", "warning"]) + " >}}\n" + _block(r, depth + 1) + "\n{{< /callout >}}"
    if k == 13:
        return '{{% notice tip "Title" %}}\n' + _block(r, depth + 1) + "\n\n" + _block(r, depth + 1) + "\n{{% /notice %}}"
    if k == 14:
        return '{{< tabpane >}}\n{{% tab header="H" %}}\n' + _block(r, depth + 1) + "\n{{% /tab %}}\n{{< /tabpane >}}"
    if k == 15:
        return "<details>\n<summary>" + _inline(r) + "</summary>\n\n" + _block(r, depth + 1) + "\n\n</details>"
    if k == 16:
        return "    indented code"
    if k == 17:
        return "Term " + _inline(r) + "\n: Definition " + _inline(r)
    return "---"


def random_article(seed: int) -> str:
    """A random but well-formed Hugo article (the same for the same seed)."""
    import random

    r = random.Random(seed)
    fm = r.choice(
        ["", "---\ntitle: " + r.choice(["Plain", "'Single'", '"Double"']) + "\ntags: [a, b]\n---\n\n", '+++\ntitle = "T"\n+++\n\n']
    )
    sep = r.choice(["\n\n", "\n"])
    return fm + sep.join(_block(r) for _ in range(r.randint(1, 8))) + r.choice(["\n", "", "\n\n"])
