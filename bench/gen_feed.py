#!/usr/bin/env python3
"""Generate a large, realistic RSS 2.0 feed for benchmarking feedmark.

The feed is shaped like a mixed Chinese/English news feed: media, dc, content
and atom namespaces; bodies in content:encoded (CDATA) or HTML-escaped
description; figures, lazy images, tracking pixels, scripts, iframes, lists.
Every guid is unique, so `feedmark fetch` writes exactly one article per item.
Output is deterministic for a given --seed and --items (about 7 KB per item,
36 MB for the default 5000 items). Python 3 standard library only.

    bench/gen_feed.py --items 5000 --seed 1 -o /tmp/feed.xml
"""

import argparse
import datetime
import os
import sys
import uuid
from random import Random
from xml.sax.saxutils import escape

SITE = "https://news.example.com"
IMG_CDN = "https://img.example-cdn.net"

# Common Chinese words and particles; text is drawn from these.
ZH_WORDS = """
中国 政府 经济 发展 美国 总统 表示 记者 报道 会议 国际 市场 公司 企业 社会 问题 工作 人民
国家 地区 北京 上海 香港 台湾 广州 深圳 世界 今天 昨天 目前 已经 可能 需要 认为 进行 增长
投资 银行 科技 技术 研究 大学 学生 医院 疫情 病毒 疫苗 确诊 病例 政策 安全 军事 外交 部长
官员 声明 关系 合作 贸易 关税 能源 石油 价格 通胀 利率 股市 指数 下跌 上涨 百分之 数据 显示
一个 我们 他们 因为 但是 如果 所以 以及 其中 包括 根据 通过 由于 同时 此外 今年 去年 明年
时间 地方 城市 农村 居民 消费者 专家 分析 预计 影响 危机 战争 和平 谈判 制裁 俄罗斯 乌克兰
欧洲 日本 韩国 印度 联合国 选举 议会 法院 法律 改革 环境 气候 变化 污染 电动车 芯片 互联网
平台 用户 手机 网络 数字 人工智能 数据中心 供应链 出口 进口 就业 失业 工资 房地产 债务 财政
央行 货币 汇率 人民币 美元 季度 报告 调查 事件 警方 事故 救援 灾害 地震 台风 洪水 旅游 文化
教育 体育 比赛 冠军 电影 音乐 艺术 健康 医疗 保险 养老 人口 出生率 年轻人 家庭 孩子 老人
的 的 的 了 了 在 在 是 是 和 与 对 将 也 都 这 那 有 没有 会 要 被 把 从 向 为 就 还 又
""".split()

EN_WORDS = """
the the the the of of of to to to and and and a a in in is that for on with as was by at
from it be are have has said says will would could also after over more than about new
government president minister official officials country countries state states people city
market markets company companies economy economic growth prices inflation rate rates bank
central investors shares stocks percent year years week month quarter report reports data
policy policies security military war peace talks sanctions trade tariffs energy oil gas
climate change emissions technology tech chip chips software internet platform users phone
police court law election vote voters parliament congress senate bill reform health hospital
vaccine virus cases pandemic school students university research researchers study science
space mission launch team season match championship film music festival art museum travel
flights airport weather storm flood earthquake rescue workers jobs wages housing debt budget
spending tax taxes plan plans deal agreement leaders meeting summit crisis support against
while during before since under between across local national global public private major
first last next early late high low record million billion million billion nearly least
""".split()

EN_TOKENS_IN_ZH = ["iPhone", "NASA", "G20", "COVID-19", "WHO", "AI", "ChatGPT", "5G",
                   "GDP", "CPI", "NBA", "APEC", "Tesla", "OpenAI", "iOS", "USB-C"]
ZH_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
ZH_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"
EN_FIRST = ["James", "Mary", "Robert", "Linda", "Michael", "Sarah", "David", "Emma",
            "Daniel", "Olivia", "Wei", "Mei", "Carlos", "Ana", "Yuki", "Priya"]
EN_LAST = ["Smith", "Johnson", "Brown", "Garcia", "Miller", "Chen", "Wang", "Lee",
           "Kim", "Nguyen", "Patel", "Lopez", "Clark", "Lewis", "Walker", "Young"]
CATEGORIES = ["国际", "中国", "财经", "科技", "体育", "文化", "健康", "港澳台",
              "World", "Business", "Technology", "Science", "Sports", "Politics", "Opinion"]
SECTIONS = ["world", "china", "business", "tech", "science", "sports", "culture", "health"]

DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
# (zone text, UTC offset in minutes) used in RFC 822 dates
RFC822_ZONES = [("+0000", 0), ("GMT", 0), ("GMT", 0), ("+0800", 480), ("+0800", 480),
                ("-0400", -240), ("EST", -300), ("EDT", -240), ("+0900", 540), ("UT", 0)]

LAZY_PLACEHOLDER = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
END_OF_BODY_SCRIPTS = [
    '<script type="text/javascript">window.dataLayer = window.dataLayer || []; '
    'if (window.innerWidth < 768 && !window.__ad) { dataLayer.push({"event": "article_view"}); }</script>',
    '<script async src="https://platform.example-social.com/widgets.js" charset="utf-8"></script>',
    '<script>document.write("<div class=\\"ad-slot\\"></div>");</script>',
]


def attr(value):
    """Escape a string for use inside a double-quoted XML/HTML attribute."""
    return escape(value, {'"': "&quot;"})


def cdata(text):
    """Wrap text in CDATA, splitting any "]]>" so the document stays well-formed."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


class Generator:
    def __init__(self, seed):
        self.rng = Random(seed)
        self.ref_url_pool = []

    # ---- text -----------------------------------------------------------
    def zh_sentence(self, lo=8, hi=20):
        rng = self.rng
        words = rng.choices(ZH_WORDS, k=rng.randint(lo, hi))
        if rng.random() < 0.15:
            words.insert(rng.randrange(len(words)), rng.choice(EN_TOKENS_IN_ZH))
        out = []
        for i, w in enumerate(words):
            out.append(w)
            if 3 < i < len(words) - 3 and rng.random() < 0.08:
                out.append(rng.choice("，，，、；"))
        s = "".join(out)
        if rng.random() < 0.1:
            s = "“" + s + "”"
        return s + rng.choice("。。。。！？")

    def en_sentence(self, lo=8, hi=24):
        rng = self.rng
        words = rng.choices(EN_WORDS, k=rng.randint(lo, hi))
        if rng.random() < 0.2:
            words.insert(rng.randrange(len(words)), str(rng.randint(2, 950)))
        if len(words) > 8 and rng.random() < 0.3:
            words[rng.randrange(3, len(words) - 2)] += ","
        s = " ".join(words)
        return s[0].upper() + s[1:] + rng.choice("....?")

    def zh_title(self):
        rng = self.rng
        t = "".join(rng.choices(ZH_WORDS[:-40], k=rng.randint(5, 11)))
        r = rng.random()
        if r < 0.25:
            t = t[: len(t) // 2] + " " + rng.choice(EN_TOKENS_IN_ZH) + " " + t[len(t) // 2:]
        elif r < 0.35:
            t = rng.choice(["[视频]", "【独家】", "[更新] ", "快讯：", "*突发* "]) + t
        elif r < 0.40:
            t += "：" + rng.choice(["AT&T", "R&D", "Q&A", "S&P 500", "P&G"]) + rng.choice(ZH_WORDS[:60])
        elif r < 0.45:
            t += "（" + rng.choice(["图_集", "*多图*", "[组图]", "snake_case"]) + "）"
        return t

    def en_title(self):
        rng = self.rng
        words = rng.choices(EN_WORDS, k=rng.randint(6, 13))
        t = " ".join(w.capitalize() if rng.random() < 0.5 else w for w in words)
        t = t[0].upper() + t[1:]
        r = rng.random()
        if r < 0.10:
            t = rng.choice(["[Video] ", "[Update] ", "Q&A: ", "*Exclusive* ", "Live: "]) + t
        elif r < 0.18:
            t = t.replace(" and ", " & ", 1) if " and " in t else t + " & More"
        elif r < 0.22:
            t += rng.choice([" (file_name.pdf)", " [Analysis]", " — *Opinion*", " in `C++`",
                             " vs. a < b"])
        elif r < 0.30:
            t = rng.choice(["中美", "北京", "香港", "台北"]) + " " + t
        return t

    def person(self, zh):
        rng = self.rng
        if zh:
            return rng.choice(ZH_SURNAMES) + "".join(rng.choices(ZH_GIVEN, k=rng.randint(1, 2)))
        return rng.choice(EN_FIRST) + " " + rng.choice(EN_LAST)

    # ---- urls -----------------------------------------------------------
    def image_url(self, when, width, ext="jpg"):
        return f"{IMG_CDN}/{when:%Y/%m/%d}/{self.rng.getrandbits(64):016x}_{width}.{ext}"

    def body_href(self, when):
        """A link inside an article: absolute or (about a third) relative."""
        rng = self.rng
        r = rng.random()
        sec = rng.choice(SECTIONS)
        if r < 0.15:
            return f"/a/{when:%Y%m%d}/{sec}-{rng.randint(100000, 999999)}.html"
        if r < 0.25:
            return f"../topics/{sec}/"
        if r < 0.32:
            return f"tag/{rng.choice(SECTIONS)}?page={rng.randint(1, 9)}&amp;sort=new"
        if r < 0.40:
            return f"https://en.wikipedia.org/wiki/{rng.choice(['Beijing', 'Inflation', 'G20', 'Semiconductor'])}"
        return f"{SITE}/a/{when:%Y%m%d}/{sec}-{rng.randint(100000, 999999)}.html"

    def item_link(self, n, when, zh):
        rng = self.rng
        sec = rng.choice(SECTIONS)
        r = rng.random()
        if r < 0.03:   # spaces in the path, as some CMSes emit
            return f"{SITE}/news/{when:%Y-%m-%d}/{sec} story {n}.html"
        if r < 0.06:   # non-ASCII path
            return f"{SITE}/新闻/{when:%Y%m%d}/{rng.choice(ZH_WORDS[:80])}-{n}.html"
        if r < 0.10:   # tracking query
            return f"{SITE}/a/{n}.html?utm_source=rss&utm_medium=feed&utm_campaign={sec}"
        slug = "-".join(rng.choices(EN_WORDS[40:], k=rng.randint(3, 6))) if not zh else sec
        return f"{SITE}/a/{when:%Y/%m/%d}/{slug}-{n}.html"

    # ---- dates ----------------------------------------------------------
    def rfc822(self, when):
        zone, minutes = self.rng.choice(RFC822_ZONES)
        t = when + datetime.timedelta(minutes=minutes)
        return (f"{DAYS[t.weekday()]}, {t.day:02d} {MONTHS[t.month - 1]} {t.year} "
                f"{t:%H:%M:%S} {zone}")

    @staticmethod
    def iso8601_cst(when):
        t = when + datetime.timedelta(hours=8)
        return f"{t:%Y-%m-%dT%H:%M:%S}+08:00"

    # ---- html body ------------------------------------------------------
    def inline_para(self, zh, when):
        """One <p> of several sentences with occasional inline markup."""
        rng = self.rng
        sent = self.zh_sentence if zh else self.en_sentence
        join = "" if zh else " "
        parts = []
        for _ in range(rng.randint(2, 6)):
            s = sent()
            r = rng.random()
            if r < 0.10:
                s = f"<strong>{s}</strong>"
            elif r < 0.18:
                s = f"<em>{s}</em>"
            elif r < 0.30:
                anchor = rng.choice(ZH_WORDS[:100]) + rng.choice(ZH_WORDS[:100]) if zh \
                    else " ".join(rng.choices(EN_WORDS[40:], k=rng.randint(2, 4)))
                extra = ' target="_blank" rel="noopener"' if rng.random() < 0.3 else ""
                if rng.random() < 0.012:
                    extra += f" onclick=\"trackClick('{rng.getrandbits(24):06x}'); return true;\""
                s = f'{s[:-1]}<a href="{self.body_href(when)}"{extra}>{anchor}</a>{s[-1]}'
            elif r < 0.33:
                s += "<br />" if rng.random() < 0.7 else "<br>"
            elif r < 0.35:
                s = s.replace(" ", "&nbsp;", 1) if not zh else s + "&nbsp;"
            parts.append(s)
        text = join.join(parts)
        # Real feeds wrap long paragraphs; feedmark must fold these line breaks.
        if rng.random() < 0.3 and len(parts) > 2:
            text = "\n".join(parts) if zh else "\n  ".join(parts)
        return f"<p>{text}</p>"

    def figure(self, when, zh, lazy):
        rng = self.rng
        w = rng.choice([640, 800, 1024])
        h = w * 9 // 16
        src = self.image_url(when, w, rng.choice(["jpg", "jpg", "png", "webp"]))
        alt = self.zh_sentence(3, 6)[:-1] if zh else self.en_sentence(4, 8)[:-1]
        if lazy:
            img = (f'<img src="{LAZY_PLACEHOLDER}" data-src="{src}" class="lazyload" '
                   f'alt="{attr(alt)}" width="{w}" height="{h}">')
        elif rng.random() < 0.3:
            small = src.replace(f"_{w}.", "_480.")
            img = (f'<img src="{src}" srcset="{small} 480w, {src} {w}w" '
                   f'sizes="(max-width: 600px) 480px, {w}px" alt="{attr(alt)}" />')
        else:
            img = f'<img src="{src}" alt="{attr(alt)}" width="{w}" height="{h}" />'
        cap = self.zh_sentence(6, 14) if zh else self.en_sentence(8, 16)
        credit = f" {'图片来源' if zh else 'Photo'}: {self.person(zh)}"
        return f"<figure>{img}<figcaption>{cap}{credit}</figcaption></figure>"

    def body(self, n, when, zh, has_media, target_bytes):
        rng = self.rng
        blocks = []
        if not has_media:
            fig = self.figure(when, zh, lazy=rng.random() < 0.25)
            blocks.append(fig)
        size = sum(len(b) for b in blocks)
        while True:
            r = rng.random()
            if r < 0.03 and blocks:
                q = self.inline_para(zh, when)
                cite = f"<cite>{self.person(zh)}</cite>" if rng.random() < 0.5 else ""
                block = f"<blockquote>{q}{cite}</blockquote>"
            elif r < 0.05 and blocks:
                items = "".join(f"<li>{self.zh_sentence(4, 10) if zh else self.en_sentence(5, 12)}</li>"
                                for _ in range(rng.randint(2, 5)))
                block = f"<ul>{items}</ul>" if rng.random() < 0.7 else f"<ol>{items}</ol>"
            elif r < 0.056 and blocks:
                vid = f"{rng.getrandbits(44):011x}"
                block = (f'<iframe src="https://www.example-video.com/embed/{vid}" width="560" '
                         f'height="315" frameborder="0" allowfullscreen></iframe>')
            elif r < 0.07 and blocks and has_media:
                block = self.figure(when, zh, lazy=rng.random() < 0.5)
            elif r < 0.08 and blocks:
                block = f"<h3>{self.zh_sentence(4, 8)[:-1] if zh else self.en_sentence(4, 8)[:-1]}</h3>"
            else:
                block = self.inline_para(zh, when)
            blocks.append(block)
            size += len(block.encode("utf-8"))
            if size >= target_bytes:
                break
        if rng.random() < 0.12:
            blocks.append(f'<p><img src="https://stats.example-analytics.com/t/pixel.gif?a={n}&amp;f=rss" '
                          f'width="1" height="1" alt="" border="0" /></p>'
                          if rng.random() < 0.5 else
                          f'<img src="https://feeds.example.com/~r/news/~4/{n:x}/pixel.gif" '
                          f'width="1" height="1">')
        if rng.random() < 0.06:
            blocks.append(rng.choice(END_OF_BODY_SCRIPTS))
        sep = "\n" if rng.random() < 0.6 else ""
        return sep.join(blocks)

    # ---- feed -----------------------------------------------------------
    def item(self, n, when):
        rng = self.rng
        zh = rng.random() < 0.55
        title = self.zh_title() if zh else self.en_title()
        link = self.item_link(n, when, zh)
        out = ["<item>", f"<title>{escape(title)}</title>", f"<link>{escape(link)}</link>"]

        r = rng.random()
        if r < 0.55:
            out.append(f"<guid>{escape(link)}</guid>")
        elif r < 0.80:
            out.append(f'<guid isPermaLink="false">tag:news.example.com,{when:%Y}:article-{n}</guid>')
        else:
            u = uuid.UUID(int=rng.getrandbits(128), version=4)
            out.append(f'<guid isPermaLink="false">{u}</guid>')

        if rng.random() < 0.8:
            out.append(f"<pubDate>{self.rfc822(when)}</pubDate>")
        else:
            out.append(f"<dc:date>{self.iso8601_cst(when)}</dc:date>")
        if rng.random() < 0.7:
            out.append(f"<dc:creator>{escape(self.person(zh))}</dc:creator>")
        for c in rng.sample(CATEGORIES, rng.randint(0, 3)):
            out.append(f"<category>{escape(c)}</category>")

        has_media = rng.random() < 0.5
        if has_media:
            w = rng.choice([640, 800, 1024, 1200, 1600])
            ext = rng.choice(["jpg", "jpg", "jpg", "png"])
            mime = "image/png" if ext == "png" else "image/jpeg"
            caption = self.zh_sentence(6, 16) if zh else self.en_sentence(8, 20)
            out.append(f'<media:content url="{attr(self.image_url(when, w, ext))}" medium="image" '
                       f'type="{mime}" width="{w}" height="{w * 2 // 3}">'
                       f"<media:description>{escape(caption)}</media:description>"
                       + (f"<media:credit>{escape(self.person(zh))}</media:credit>"
                          if rng.random() < 0.5 else "")
                       + "</media:content>")
            if rng.random() < 0.3:
                out.append(f'<media:thumbnail url="{attr(self.image_url(when, 150))}" width="150" height="100" />')

        # Skewed body sizes: many medium articles, a few short briefs, a few long reads.
        target = min(40000, max(500, int(rng.lognormvariate(8.60, 0.5))))
        body = self.body(n, when, zh, has_media, target)
        if rng.random() < 0.5:
            summary = self.zh_sentence(10, 25) if zh else self.en_sentence(15, 30)
            out.append(f"<description>{escape(summary)}</description>")
            out.append(f"<content:encoded>{cdata(body)}</content:encoded>")
        else:
            out.append(f"<description>{escape(body)}</description>")
        if rng.random() < 0.2:
            out.append(f"<comments>{escape(link)}#comments</comments>")
        out.append("</item>\n")
        return "\n".join(out)

    def header(self, newest):
        build = self.rfc822(newest)
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"
  xmlns:atom="http://www.w3.org/2005/Atom"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:media="http://search.yahoo.com/mrss/">
<channel>
<title>环球新闻网 - 要闻 | World News &amp; Top Stories</title>
<link>{SITE}/</link>
<description>环球新闻网最新要闻、财经与科技报道 — latest world, business &amp; technology news.</description>
<language>zh-cn</language>
<atom:link href="{SITE}/rss/all.xml" rel="self" type="application/rss+xml" />
<copyright>Copyright © 2022 News Example Group</copyright>
<lastBuildDate>{build}</lastBuildDate>
<generator>gen_feed.py (feedmark bench)</generator>
<ttl>15</ttl>
<image>
<url>{IMG_CDN}/static/logo_144.png</url>
<title>环球新闻网 - 要闻 | World News &amp; Top Stories</title>
<link>{SITE}/</link>
</image>
"""

    def write(self, out, items):
        # Newest first, like real feeds; a few minutes between items.
        when = datetime.datetime(2022, 3, 31, 9, 12, 27)
        times = []
        for _ in range(items):
            times.append(when)
            when -= datetime.timedelta(seconds=self.rng.randint(20, 900))
        out.write(self.header(times[0] if times else when).encode("utf-8"))
        for n, t in enumerate(times, 1):
            out.write(self.item(n, t).encode("utf-8"))
        out.write(b"</channel>\n</rss>\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--items", type=int, default=5000, help="number of items (default 5000)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    args = ap.parse_args()
    if args.items < 0:
        ap.error("--items must be >= 0")
    gen = Generator(args.seed)
    if args.output:
        with open(args.output, "wb") as f:
            gen.write(f, args.items)
    else:
        try:
            gen.write(sys.stdout.buffer, args.items)
            sys.stdout.buffer.flush()
        except BrokenPipeError:  # e.g. piped into `head`
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)


if __name__ == "__main__":
    main()
