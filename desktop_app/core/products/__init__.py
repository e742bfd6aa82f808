"""The shop's products: importing its own product file (Shopify's export, a generic CSV, an XLSX), linking the
products to the indexed photos, the shop's categories, and exporting the catalog back to a spreadsheet.

Layer `products`: above `catalog` (it reads the vocabulary and the indexed photos), below `search`.
"""
