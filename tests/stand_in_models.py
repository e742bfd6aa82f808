"""Stand-in models built here, never downloaded: a tiny BLIP-2 and a full-size one, both random.

They are saved with `save_pretrained` and loaded back through the same `from_pretrained` path users
hit. A random BLIP-2 with default settings is degenerate (query tokens at zero make all 32 query
vectors of a photo identical; the vision tower's `initializer_range` is 1e-10 so every photo embeds
the same), so the tiny one is initialised the way that keeps photos and query vectors apart, and
tests/test_stand_in_models.py (and `check_told_apart` in tests/search/conftest.py, for each indexed catalog)
prove it, or tests of search and re-ranking would prove nothing.

Usage: python -m tests.stand_in_models tiny-blip2 OUT_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

# A vocabulary written here, so the tokenizer needs no download. Words the tests and prompts use.
_SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
_WORDS = (  # noqa: SIM905 - a word list reads better as prose
    "a an the photo of picture product in with and or for on to is this that but like not "
    "t-shirt tee tees shirt shirts blouse jersey sweater sweaters hoodie cardigan jacket coat blazer parka "
    "pants jeans trousers chinos leggings shorts dress skirt shoes sneakers boots sandals bag hat cap "
    "black white grey gray red pink orange yellow green blue navy brown beige purple multicolour colourful "
    "summer winter casual formal party office wedding beach outfit item items clothing garment "
    "- , . ! ? ' 0 1 2 3 4 5 6 7 8 9"
).split()
_PIECES = [chr(c) for c in range(ord("a"), ord("z") + 1)] + ["##" + chr(c) for c in range(ord("a"), ord("z") + 1)]


def _vocab() -> list[str]:
    seen: dict[str, None] = {}
    for token in _SPECIAL + _WORDS + _PIECES:
        seen.setdefault(token, None)
    return list(seen)


def tiny_blip2_config():
    from transformers import Blip2Config

    vocab_size = len(_vocab())
    return Blip2Config(
        vision_config=dict(
            hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
            image_size=224, patch_size=14, initializer_range=0.02,
        ),
        qformer_config=dict(
            hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
            vocab_size=vocab_size, max_position_embeddings=64, cross_attention_frequency=1,
            encoder_hidden_size=32, initializer_range=0.2, use_qformer_text_input=True, pad_token_id=0,
        ),
        text_config=dict(
            model_type="opt", hidden_size=16, ffn_dim=32, num_hidden_layers=1, num_attention_heads=2,
            vocab_size=vocab_size, word_embed_proj_dim=16, max_position_embeddings=64,
        ),
        num_query_tokens=32,
        image_text_hidden_size=16,
    )


def full_blip2_config():
    """The architecture of Salesforce/blip2-itm-vit-g: the same compute as the real model."""
    from transformers import Blip2Config

    config = Blip2Config()
    config.qformer_config.use_qformer_text_input = True
    return config


def _processor(out_dir: Path):
    from transformers import BertTokenizer, Blip2Processor, BlipImageProcessor

    vocab = {token: index for index, token in enumerate(_vocab())}
    tokenizer = BertTokenizer(vocab=vocab, do_lower_case=True, model_max_length=32)
    image_processor = BlipImageProcessor(
        size={"height": 224, "width": 224},
        image_mean=[0.48145466, 0.4578275, 0.40821073],
        image_std=[0.26862954, 0.26130258, 0.27577711],
    )
    return Blip2Processor(image_processor=image_processor, tokenizer=tokenizer, num_query_tokens=None)


def build_blip2(out_dir: Path, config, seed: int = 0) -> Path:
    """Save a randomly initialised Blip2ForImageTextRetrieval plus processor, as `save_pretrained` lays them out."""
    import torch
    from transformers import Blip2ForImageTextRetrieval

    torch.manual_seed(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    model = Blip2ForImageTextRetrieval(config).eval()
    with torch.no_grad():
        model.query_tokens.normal_(0.0, 0.02)
    model.save_pretrained(out_dir)
    _processor(out_dir).save_pretrained(out_dir)
    return out_dir


def build_tiny_blip2(out_dir: Path, seed: int = 0) -> Path:
    return build_blip2(out_dir, tiny_blip2_config(), seed)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("tiny-blip2", "full-blip2"):
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    config = tiny_blip2_config() if argv[0] == "tiny-blip2" else full_blip2_config()
    print(build_blip2(Path(argv[1]), config))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
