<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es" sourcelanguage="en">
<context>
    <name>AssistantPanel</name>
    <message>
        <source>Ask for an outfit, e.g. two t-shirts and black jeans for a summer party</source>
        <translation>Pide un conjunto, p. ej. dos camisetas y unos vaqueros negros para una fiesta de verano</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Enviar</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Detener</translation>
    </message>
    <message>
        <source>Also sold-out items, other sizes and prices</source>
        <translation>También prendas agotadas, otras tallas y precios</translation>
    </message>
    <message>
        <source>By default the assistant recommends only products in stock, in the size and within the budget the request names.</source>
        <translation>Por defecto, el asistente recomienda solo productos en stock, en la talla y dentro del presupuesto que pide la petición.</translation>
    </message>
    <message>
        <source>Advice appears here as it is written.</source>
        <translation>Los consejos aparecen aquí a medida que se escriben.</translation>
    </message>
    <message>
        <source>Set up a stylist model…</source>
        <translation>Configurar un modelo estilista…</translation>
    </message>
    <message>
        <source>Advice needs an instruction-tuned model: download or import one in Models</source>
        <translation>Los consejos necesitan un modelo ajustado a instrucciones: descarga o importa uno en Modelos</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>Nueva conversación</translation>
    </message>
    <message>
        <source>Earlier chats</source>
        <translation>Conversaciones anteriores</translation>
    </message>
    <message>
        <source>Write a request or add an example photo.</source>
        <translation>Escribe una petición o añade una foto de ejemplo.</translation>
    </message>
    <message>
        <source>The assistant needs the Gemma terms accepted to understand requests with the bundled model.</source>
        <translation>El asistente necesita que aceptes los términos de Gemma para entender peticiones con el modelo incluido.</translation>
    </message>
    <message>
        <source>Understanding the request…</source>
        <translation>Entendiendo la petición…</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>Deteniendo…</translation>
    </message>
    <message>
        <source>[in stock only]</source>
        <translation>[solo en stock]</translation>
    </message>
    <message>
        <source>Writing advice… (Esc stops)</source>
        <translation>Escribiendo consejos… (Esc para detener)</translation>
    </message>
    <message>
        <source>[{category} × {count}]</source>
        <translation>[{category} × {count}]</translation>
    </message>
    <message>
        <source>[budget {budget}]</source>
        <translation>[presupuesto {budget}]</translation>
    </message>
    <message>
        <source>[size {size}]</source>
        <translation>[talla {size}]</translation>
    </message>
    <message>
        <source>[no category named]</source>
        <translation>[ninguna categoría nombrada]</translation>
    </message>
    <message>
        <source>Finding items…</source>
        <translation>Buscando prendas…</translation>
    </message>
    <message>
        <source>Stopped. What was written is kept in the chat.</source>
        <translation>Detenido. Lo escrito se guarda en la conversación.</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>Detenido.</translation>
    </message>
    <message>
        <source>No stylist model is set up yet, so the items are listed without advice.</source>
        <translation>Aún no hay un modelo estilista configurado, así que las prendas se muestran sin consejos.</translation>
    </message>
    <message>
        <source>Advice by {model}.</source>
        <translation>Consejos de {model}.</translation>
    </message>
    <message>
        <source>The advice stopped: {reason}</source>
        <translation>Los consejos se detuvieron: {reason}</translation>
    </message>
    <message>
        <source>The request failed.</source>
        <translation>La petición ha fallado.</translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation>Asistente</translation>
    </message>
    <message>
        <source>Chat {id}</source>
        <translation>Conversación {id}</translation>
    </message>
    <message>
        <source>{title}
{count} messages, last {when}</source>
        <translation>{title}
{count} mensajes, el último {when}</translation>
    </message>
    <message>
        <source>{who} (stopped)</source>
        <translation>{who} (detenido)</translation>
    </message>
    <message>
        <source>{who} (failed)</source>
        <translation>{who} (falló)</translation>
    </message>
    <message>
        <source>{who}: {text}</source>
        <translation>{who}: {text}</translation>
    </message>
    <message>
        <source>You</source>
        <translation>Tú</translation>
    </message>
    <message>
        <source>Stylist</source>
        <translation>Estilista</translation>
    </message>
</context>
<context>
    <name>CatalogPanel</name>
    <message>
        <source>Folders of product photos; sub-folders are included. Click one to see its items.</source>
        <translation>Carpetas de fotos de productos; se incluyen las subcarpetas. Haz clic en una para ver sus prendas.</translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation>Añadir carpeta…</translation>
    </message>
    <message>
        <source>Add a folder and index it (Ctrl+O)</source>
        <translation>Añadir una carpeta e indexarla (Ctrl+O)</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Quitar</translation>
    </message>
    <message>
        <source>Re-scan</source>
        <translation>Volver a revisar</translation>
    </message>
    <message>
        <source>Look for new, changed and deleted photos in every folder</source>
        <translation>Buscar fotos nuevas, cambiadas y borradas en todas las carpetas</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pausar</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Undo remove</source>
        <translation>Deshacer quitar</translation>
    </message>
    <message>
        <source>No photos indexed yet.</source>
        <translation>Aún no hay fotos indexadas.</translation>
    </message>
    <message>
        <source>Skipped file</source>
        <translation>Archivo omitido</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <source>Folders</source>
        <translation>Carpetas</translation>
    </message>
    <message>
        <source>In the catalog</source>
        <translation>En el catálogo</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>Producto</translation>
    </message>
    <message>
        <source>SKU</source>
        <translation>SKU</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>Precio</translation>
    </message>
    <message>
        <source>Stock</source>
        <translation>Existencias</translation>
    </message>
    <message>
        <source>Indexed photos that no product of the shop&apos;s file names</source>
        <translation>Fotos indexadas que ningún producto del archivo de la tienda nombra</translation>
    </message>
    <message>
        <source>Products</source>
        <translation>Productos</translation>
    </message>
    <message>
        <source>Photos without a product</source>
        <translation>Fotos sin producto</translation>
    </message>
    <message>
        <source>Shop: {products} products ({discontinued} discontinued), {variants} variants; {linked} photos linked, {without_photo} products without a photo, {unlinked} photos without a product</source>
        <translation>Tienda: {products} productos ({discontinued} descatalogados), {variants} variantes; {linked} fotos enlazadas, {without_photo} productos sin foto, {unlinked} fotos sin producto</translation>
    </message>
    <message>
        <source>Products ({shown} of {total})</source>
        <translation>Productos ({shown} de {total})</translation>
    </message>
    <message>
        <source>Photos without a product ({count})</source>
        <translation>Fotos sin producto ({count})</translation>
    </message>
    <message>
        <source>discontinued</source>
        <translation>descatalogado</translation>
    </message>
    <message>
        <source>sold out</source>
        <translation>agotado</translation>
    </message>
    <message>
        <source>in stock</source>
        <translation>en stock</translation>
    </message>
    <message>
        <source>{count} in stock</source>
        <translation>{count} en stock</translation>
    </message>
    <message>
        <source>(one variant)</source>
        <translation>(una variante)</translation>
    </message>
    <message>
        <source>{count} photos: </source>
        <translation>{count} fotos: </translation>
    </message>
    <message>
        <source>Skipped files: {count}</source>
        <translation>Archivos omitidos: {count}</translation>
    </message>
    <message>
        <source>No skipped files.</source>
        <translation>Ningún archivo omitido.</translation>
    </message>
    <message>
        <source>Resume indexing ({count} left)</source>
        <translation>Reanudar la indexación (faltan {count})</translation>
    </message>
    <message>
        <source>Choose a folder of product photos</source>
        <translation>Elige una carpeta de fotos de productos</translation>
    </message>
    <message>
        <source>Open Models ▸ Manage models… to download or import it; the window then offers to index.</source>
        <translation>Abre Modelos ▸ Gestionar modelos… para descargarlo o importarlo; después la ventana ofrecerá indexar.</translation>
    </message>
    <message>
        <source>{folder} removed ({count} photos). Adding it again is instant.</source>
        <translation>{folder} quitada ({count} fotos). Volver a añadirla es instantáneo.</translation>
    </message>
    <message>
        <source>Remove the selected folder from the catalog (your photos are not touched; you can undo it)</source>
        <translation>Quitar la carpeta seleccionada del catálogo (tus fotos no se tocan; puedes deshacerlo)</translation>
    </message>
    <message>
        <source>{folder} is back ({count} photos).</source>
        <translation>{folder} ha vuelto ({count} fotos).</translation>
    </message>
    <message>
        <source>Your folder is kept. Its photos will be indexed once the image model (BLIP-2) is installed.</source>
        <translation>Tu carpeta se guarda. Sus fotos se indexarán cuando esté instalado el modelo de imágenes (BLIP-2).</translation>
    </message>
    <message>
        <source>Your photos will be indexed once the image model (BLIP-2) is installed.</source>
        <translation>Tus fotos se indexarán cuando esté instalado el modelo de imágenes (BLIP-2).</translation>
    </message>
    <message>
        <source>No image model yet</source>
        <translation>Aún no hay modelo de imágenes</translation>
    </message>
    <message>
        <source>Open Models…</source>
        <translation>Abrir Modelos…</translation>
    </message>
    <message>
        <source>Indexing cancelled. What was indexed is kept.</source>
        <translation>Indexación cancelada. Lo indexado se conserva.</translation>
    </message>
    <message>
        <source>Starting… (the first index loads the BLIP-2 model)</source>
        <translation>Empezando… (la primera indexación carga el modelo BLIP-2)</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Reanudar</translation>
    </message>
    <message>
        <source>Paused after the current batch.</source>
        <translation>En pausa tras el lote actual.</translation>
    </message>
    <message>
        <source>Stopping after the current batch…</source>
        <translation>Deteniendo tras el lote actual…</translation>
    </message>
    <message>
        <source>Done: {indexed} indexed, {unchanged} unchanged, {removed} removed, {skipped} skipped in {seconds} s.</source>
        <translation>Hecho: {indexed} indexadas, {unchanged} sin cambios, {removed} quitadas, {skipped} omitidas en {seconds} s.</translation>
    </message>
    <message>
        <source>Not reachable now: {folders}</source>
        <translation>No accesibles ahora: {folders}</translation>
    </message>
    <message>
        <source>Some photos could not be read</source>
        <translation>Algunas fotos no se pudieron leer</translation>
    </message>
    <message numerus="yes">
        <source>%n photo(s) could not be read for a reason outside the files, for example:
%1: %2

Reconnect the drive or fix the permissions, then choose File ▸ Re-scan folders: they will be tried again.</source>
        <translation>
            <numerusform>%n foto no se pudo leer por un motivo ajeno al archivo, por ejemplo:
%1: %2

Vuelve a conectar la unidad o corrige los permisos y elige Archivo ▸ Volver a revisar carpetas: se intentará de nuevo.</numerusform>
            <numerusform>%n fotos no se pudieron leer por un motivo ajeno a los archivos, por ejemplo:
%1: %2

Vuelve a conectar la unidad o corrige los permisos y elige Archivo ▸ Volver a revisar carpetas: se intentarán de nuevo.</numerusform>
        </translation>
    </message>
    <message>
        <source>Something went wrong; your catalog is unchanged up to the last saved batch.</source>
        <translation>Algo ha fallado; tu catálogo está intacto hasta el último lote guardado.</translation>
    </message>
    <message>
        <source>Catalog</source>
        <translation>Catálogo</translation>
    </message>
</context>
<context>
    <name>CatalogQuestions</name>
    <message>
        <source>Remove {folder} and its {count} photos from the catalog?
Your photos on disk are not touched, and you can undo this.</source>
        <translation>¿Quitar {folder} y sus {count} fotos del catálogo?
Tus fotos en el disco no se tocan y puedes deshacerlo.</translation>
    </message>
    <message>
        <source>Remove folder</source>
        <translation>Quitar carpeta</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Quitar</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Indexing is not finished: {count} photos left.</source>
        <translation>La indexación no ha terminado: faltan {count} fotos.</translation>
    </message>
    <message>
        <source>Indexing is not finished.</source>
        <translation>La indexación no ha terminado.</translation>
    </message>
    <message>
        <source>Quit anyway? It resumes next time.</source>
        <translation>¿Salir de todos modos? Continuará la próxima vez.</translation>
    </message>
    <message>
        <source>Quit while indexing?</source>
        <translation>¿Salir mientras se indexa?</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Salir</translation>
    </message>
    <message>
        <source>Keep indexing</source>
        <translation>Seguir indexando</translation>
    </message>
</context>
<context>
    <name>FirstRunWizard</name>
    <message>
        <source>Welcome to Fashion Assistant</source>
        <translation>Te damos la bienvenida a Fashion Assistant</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Listo</translation>
    </message>
    <message>
        <source>Press Finish to start indexing your folders. You can keep working while it runs, pause it, or cancel it.</source>
        <translation>Pulsa Terminar para empezar a indexar tus carpetas. Puedes seguir trabajando mientras tanto, pausarlo o cancelarlo.</translation>
    </message>
</context>
<context>
    <name>FoldersPage</name>
    <message>
        <source>Your photos</source>
        <translation>Tus fotos</translation>
    </message>
    <message>
        <source>Choose the folders that hold your product photos. Sub-folders are included; a folder named after a category (shoes, t-shirts, sweaters…) tags its photos.</source>
        <translation>Elige las carpetas con las fotos de tus productos. Se incluyen las subcarpetas; una carpeta con nombre de categoría (zapatos, camisetas, jerséis…) etiqueta sus fotos.</translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation>Añadir carpeta…</translation>
    </message>
    <message>
        <source>Choose a folder of product photos</source>
        <translation>Elige una carpeta de fotos de productos</translation>
    </message>
</context>
<context>
    <name>LicencesDialog</name>
    <message>
        <source>Gemma 3 270M (the bundled classifier model)</source>
        <translation>Gemma 3 270M (el modelo clasificador incluido)</translation>
    </message>
    <message>
        <source>Gemma Terms of Use</source>
        <translation>Términos de uso de Gemma</translation>
    </message>
    <message>
        <source>Other components</source>
        <translation>Otros componentes</translation>
    </message>
    <message>
        <source>This is a development install: each Python package it uses keeps its licence in its own metadata. A built bundle lists every component it carries here, with its licence text, in the folder licenses/.</source>
        <translation>Esta es una instalación de desarrollo: cada paquete de Python que usa guarda su licencia en sus propios metadatos. Un paquete instalable lista aquí cada componente que lleva, con el texto de su licencia, en la carpeta licenses/.</translation>
    </message>
    <message>
        <source>Licences</source>
        <translation>Licencias</translation>
    </message>
    <message>
        <source>{app} is free software under the Apache License 2.0. It carries the components below, each under its own licence; the texts are also in the folder licenses/ of the installed app.</source>
        <translation>{app} es software libre con licencia Apache 2.0. Incluye los componentes de abajo, cada uno con su propia licencia; los textos también están en la carpeta licenses/ de la aplicación instalada.</translation>
    </message>
    <message>
        <source>Reading the licences…</source>
        <translation>Leyendo las licencias…</translation>
    </message>
    <message>
        <source>The licences could not be read: {reason}</source>
        <translation>No se pudieron leer las licencias: {reason}</translation>
    </message>
</context>
<context>
    <name>LooksPanel</name>
    <message>
        <source>An occasion or the garments, e.g. an outfit for a beach wedding</source>
        <translation>Una ocasión o las prendas, p. ej. un conjunto para una boda en la playa</translation>
    </message>
    <message>
        <source>Looks: </source>
        <translation>Looks: </translation>
    </message>
    <message>
        <source>No budget</source>
        <translation>Sin presupuesto</translation>
    </message>
    <message>
        <source>Budget: </source>
        <translation>Presupuesto: </translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Talla</translation>
    </message>
    <message>
        <source>Compose looks</source>
        <translation>Componer looks</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Detener</translation>
    </message>
    <message>
        <source>Set up a stylist model…</source>
        <translation>Configurar un modelo estilista…</translation>
    </message>
    <message>
        <source>Advice needs an instruction-tuned model: download or import one in Models</source>
        <translation>Los consejos necesitan un modelo ajustado a instrucciones: descarga o importa uno en Modelos</translation>
    </message>
    <message>
        <source>The stylist&apos;s words about the looks appear here.</source>
        <translation>Aquí aparecen las palabras del estilista sobre los looks.</translation>
    </message>
    <message>
        <source>Edit outfit rules…</source>
        <translation>Editar reglas de conjuntos…</translation>
    </message>
    <message>
        <source>Which garments make an outfit for each occasion: a text file you can change</source>
        <translation>Qué prendas forman un conjunto para cada ocasión: un archivo de texto que puedes cambiar</translation>
    </message>
    <message>
        <source>Lookbook</source>
        <translation>Lookbook</translation>
    </message>
    <message>
        <source>Completing the look around {name}</source>
        <translation>Completando el look alrededor de {name}</translation>
    </message>
    <message>
        <source>Say what the looks are for: an occasion or the garments.</source>
        <translation>Di para qué son los looks: una ocasión o las prendas.</translation>
    </message>
    <message>
        <source>Composing looks…</source>
        <translation>Componiendo looks…</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>Detenido.</translation>
    </message>
    <message>
        <source>Look {number}</source>
        <translation>Look {number}</translation>
    </message>
    <message>
        <source>Look {number} · total {total}</source>
        <translation>Look {number} · total {total}</translation>
    </message>
    <message numerus="yes">
        <source>%n pinned</source>
        <translation>
            <numerusform>%n fijada</numerusform>
            <numerusform>%n fijadas</numerusform>
        </translation>
    </message>
    <message>
        <source>Swap item</source>
        <translation>Cambiar prenda</translation>
    </message>
    <message>
        <source>Pin / unpin item</source>
        <translation>Fijar / soltar prenda</translation>
    </message>
    <message>
        <source>Compose again</source>
        <translation>Componer de nuevo</translation>
    </message>
    <message>
        <source>Save to lookbook…</source>
        <translation>Guardar en el lookbook…</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exportar…</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>Imprimir…</translation>
    </message>
    <message>
        <source>Click an item of the look first.</source>
        <translation>Primero haz clic en una prenda del look.</translation>
    </message>
    <message>
        <source>Save to lookbook</source>
        <translation>Guardar en el lookbook</translation>
    </message>
    <message>
        <source>Name of the look (the customer, the day):</source>
        <translation>Nombre del look (la clienta, el día):</translation>
    </message>
    <message>
        <source>Saved to the lookbook.</source>
        <translation>Guardado en el lookbook.</translation>
    </message>
    <message>
        <source>From the lookbook: {name}</source>
        <translation>Del lookbook: {name}</translation>
    </message>
    <message>
        <source>Export the look</source>
        <translation>Exportar el look</translation>
    </message>
    <message>
        <source>PDF (*.pdf);;PNG image (*.png)</source>
        <translation>PDF (*.pdf);;Imagen PNG (*.png)</translation>
    </message>
    <message>
        <source>Exported to {path}</source>
        <translation>Exportado a {path}</translation>
    </message>
    <message>
        <source>Print the look</source>
        <translation>Imprimir el look</translation>
    </message>
    <message>
        <source>Sent to the printer.</source>
        <translation>Enviado a la impresora.</translation>
    </message>
    <message>
        <source>No program here opens text files.</source>
        <translation>Ningún programa de este equipo abre archivos de texto.</translation>
    </message>
    <message>
        <source>Open {path} in any text editor.</source>
        <translation>Abre {path} con cualquier editor de texto.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Catalog</source>
        <translation>Catálogo</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Buscar</translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation>Asistente</translation>
    </message>
    <message>
        <source>Looks</source>
        <translation>Looks</translation>
    </message>
    <message>
        <source>Indexing…</source>
        <translation>Indexando…</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Listo</translation>
    </message>
    <message>
        <source>{count} results</source>
        <translation>{count} resultados</translation>
    </message>
    <message>
        <source>Looking for models…</source>
        <translation>Buscando modelos…</translation>
    </message>
    <message>
        <source>Catalog: {path}</source>
        <translation>Catálogo: {path}</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Archivo</translation>
    </message>
    <message>
        <source>&amp;Add folder…</source>
        <translation>&amp;Añadir carpeta…</translation>
    </message>
    <message>
        <source>&amp;Re-scan folders</source>
        <translation>&amp;Volver a revisar carpetas</translation>
    </message>
    <message>
        <source>&amp;Import products…</source>
        <translation>&amp;Importar productos…</translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation>&amp;Buscar</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>A&amp;justes…</translation>
    </message>
    <message>
        <source>Open &amp;data folder</source>
        <translation>Abrir la carpeta de &amp;datos</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Salir</translation>
    </message>
    <message>
        <source>&amp;Models</source>
        <translation>&amp;Modelos</translation>
    </message>
    <message>
        <source>&amp;Manage models…</source>
        <translation>&amp;Gestionar modelos…</translation>
    </message>
    <message>
        <source>&amp;Check models again</source>
        <translation>&amp;Comprobar los modelos otra vez</translation>
    </message>
    <message>
        <source>&amp;First-run wizard…</source>
        <translation>Asistente de &amp;primer uso…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>A&amp;yuda</translation>
    </message>
    <message>
        <source>Open &amp;log folder</source>
        <translation>Abrir la carpeta de &amp;registros</translation>
    </message>
    <message>
        <source>&amp;Licences…</source>
        <translation>&amp;Licencias…</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>Acerca &amp;de</translation>
    </message>
    <message>
        <source>Could not check models: {reason}</source>
        <translation>No se pudieron comprobar los modelos: {reason}</translation>
    </message>
    <message>
        <source>Missing: {roles}. Open Models ▸ Manage models… to download or import them.</source>
        <translation>Faltan: {roles}. Abre Modelos ▸ Gestionar modelos… para descargarlos o importarlos.</translation>
    </message>
    <message>
        <source>All models found.</source>
        <translation>Están todos los modelos.</translation>
    </message>
    <message>
        <source>Choose the shop&apos;s product file</source>
        <translation>Elige el archivo de productos de la tienda</translation>
    </message>
    <message>
        <source>Product lists (*.csv *.txt *.xlsx);;All files (*)</source>
        <translation>Listas de productos (*.csv *.txt *.xlsx);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>The new data folder is used from the next start.</source>
        <translation>La nueva carpeta de datos se usará desde el próximo inicio.</translation>
    </message>
    <message>
        <source>No file manager here could open {folder}; open it yourself from that path.</source>
        <translation>Ningún gestor de archivos de este equipo pudo abrir {folder}; ábrela tú desde esa ruta.</translation>
    </message>
    <message>
        <source>About {app}</source>
        <translation>Acerca de {app}</translation>
    </message>
    <message>
        <source>A private fashion assistant: BLIP-2 search and local Gemma advice.
Nothing leaves this computer.</source>
        <translation>Un asistente de moda privado: búsqueda con BLIP-2 y consejos de Gemma en local.
Nada sale de este ordenador.</translation>
    </message>
    <message>
        <source>Free software under the Apache License 2.0. It carries Qt and PySide6 (LGPL 3), PyTorch, ONNX Runtime, llama.cpp, transformers, SQLite with sqlite-vec and Python, each under its own licence, and Google&apos;s Gemma 3 270M model under the Gemma Terms of Use: Help ▸ Licences shows every text.</source>
        <translation>Software libre con licencia Apache 2.0. Incluye Qt y PySide6 (LGPL 3), PyTorch, ONNX Runtime, llama.cpp, transformers, SQLite con sqlite-vec y Python, cada uno con su propia licencia, y el modelo Gemma 3 270M de Google con los Términos de uso de Gemma: Ayuda ▸ Licencias muestra todos los textos.</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Idioma</translation>
    </message>
    <message>
        <source>The new language applies when the app starts again.</source>
        <translation>El nuevo idioma se aplica cuando la aplicación se vuelve a iniciar.</translation>
    </message>
    <message>
        <source>Restart now</source>
        <translation>Reiniciar ahora</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>Más tarde</translation>
    </message>
</context>
<context>
    <name>ModelsDialog</name>
    <message>
        <source>Models</source>
        <translation>Modelos</translation>
    </message>
    <message>
        <source>embedder</source>
        <translation>codificador</translation>
    </message>
    <message>
        <source>classifier</source>
        <translation>clasificador</translation>
    </message>
    <message>
        <source>stylist</source>
        <translation>estilista</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modelo</translation>
    </message>
    <message>
        <source>Roles</source>
        <translation>Funciones</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Tamaño</translation>
    </message>
    <message>
        <source>Installed</source>
        <translation>Instalado</translation>
    </message>
    <message>
        <source>Used for</source>
        <translation>Se usa para</translation>
    </message>
    <message>
        <source>Measured here</source>
        <translation>Medido aquí</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>Descargar</translation>
    </message>
    <message>
        <source>Verify</source>
        <translation>Verificar</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Quitar</translation>
    </message>
    <message>
        <source>Use for</source>
        <translation>Usar para</translation>
    </message>
    <message>
        <source>Import file or folder…</source>
        <translation>Importar archivo o carpeta…</translation>
    </message>
    <message>
        <source>Measure</source>
        <translation>Medir</translation>
    </message>
    <message>
        <source>Run the labelled requests on every installed language model on this computer and recommend the smallest that does the job</source>
        <translation>Probar las peticiones etiquetadas con cada modelo de lenguaje instalado en este ordenador y recomendar el más pequeño que cumpla</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>verified</source>
        <translation>verificado</translation>
    </message>
    <message>
        <source>not verified</source>
        <translation>sin verificar</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>desconocido</translation>
    </message>
    <message>
        <source>{name} (chosen in Settings)</source>
        <translation>{name} (elegido en Ajustes)</translation>
    </message>
    <message>
        <source>{name} (imported {format})</source>
        <translation>{name} ({format} importado)</translation>
    </message>
    <message>
        <source>{accuracy} exact, {p50} s, {rate} tokens/s, {memory}</source>
        <translation>{accuracy} exactas, {p50} s, {rate} tokens/s, {memory}</translation>
    </message>
    <message>
        <source>{exact} of {requests} labelled requests exactly right; a request takes {p50} s (p50), {p95} s (p95); loading takes {load} s; peak memory {memory}; measured {when}</source>
        <translation>{exact} de {requests} peticiones etiquetadas exactamente bien; una petición tarda {p50} s (p50), {p95} s (p95); la carga tarda {load} s; memoria máxima {memory}; medido {when}</translation>
    </message>
    <message>
        <source>installed (bundled), verified</source>
        <translation>instalado (incluido), verificado</translation>
    </message>
    <message>
        <source>installed (bundled)</source>
        <translation>instalado (incluido)</translation>
    </message>
    <message>
        <source>in use</source>
        <translation>en uso</translation>
    </message>
    <message>
        <source>not installed</source>
        <translation>no instalado</translation>
    </message>
    <message>
        <source>Select a model to see when to pick it.</source>
        <translation>Selecciona un modelo para ver cuándo conviene elegirlo.</translation>
    </message>
    <message>
        <source>Used where it is, as chosen in Settings: {location}. Import it here to have its files checked.</source>
        <translation>Se usa donde está, como se eligió en Ajustes: {location}. Impórtalo aquí para que se comprueben sus archivos.</translation>
    </message>
    <message>
        <source>Stopped. A download resumes where it stopped next time.</source>
        <translation>Detenido. Una descarga continúa donde se quedó la próxima vez.</translation>
    </message>
    <message>
        <source>Failed: {reason}</source>
        <translation>Falló: {reason}</translation>
    </message>
    <message>
        <source>{summary}

Full terms: {url}

Do you accept these terms?</source>
        <translation>{summary}

Términos completos: {url}

¿Aceptas estos términos?</translation>
    </message>
    <message>
        <source>The full text of the terms and of the Prohibited Use Policy is in Help ▸ Licences.</source>
        <translation>El texto completo de los términos y de la Política de uso prohibido está en Ayuda ▸ Licencias.</translation>
    </message>
    <message>
        <source>Not done: the licence was not accepted.</source>
        <translation>No se hizo: no se aceptó la licencia.</translation>
    </message>
    <message>
        <source>{title} downloaded and verified.</source>
        <translation>{title} descargado y verificado.</translation>
    </message>
    <message>
        <source>Damaged: {problems}</source>
        <translation>Dañado: {problems}</translation>
    </message>
    <message>
        <source>Verified: every checksum matches.</source>
        <translation>Verificado: todas las sumas de comprobación coinciden.</translation>
    </message>
    <message>
        <source>{title} is now the {role}.</source>
        <translation>{title} es ahora el {role}.</translation>
    </message>
    <message>
        <source>Removed {title}.</source>
        <translation>{title} eliminado.</translation>
    </message>
    <message>
        <source>Choose a saved BLIP-2 folder</source>
        <translation>Elige una carpeta de BLIP-2 guardada</translation>
    </message>
    <message>
        <source>Choose a GGUF model</source>
        <translation>Elige un modelo GGUF</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf)</source>
        <translation>Modelos GGUF (*.gguf)</translation>
    </message>
    <message>
        <source>Imported {name}; it is now the {role}.</source>
        <translation>{name} importado; ahora es el {role}.</translation>
    </message>
    <message>
        <source>Stopped measuring; the models measured before are kept.</source>
        <translation>Medición detenida; se conservan los modelos ya medidos.</translation>
    </message>
    <message>
        <source>Measured on {requests} labelled requests.</source>
        <translation>Medido con {requests} peticiones etiquetadas.</translation>
    </message>
    <message>
        <source>Classifier: {model}, the smallest model that gets {share} of them exactly right.</source>
        <translation>Clasificador: {model}, el modelo más pequeño que acierta exactamente {share} de ellas.</translation>
    </message>
    <message>
        <source>Classifier: no model gets {share} of them exactly right; the keyword reader still understands most requests, and a larger model (Gemma 3 1B or 4B instruction-tuned) may pass.</source>
        <translation>Clasificador: ningún modelo acierta exactamente {share} de ellas; el lector de palabras clave sigue entendiendo la mayoría de peticiones, y un modelo mayor (Gemma 3 1B o 4B ajustado a instrucciones) podría pasar.</translation>
    </message>
    <message>
        <source>Stylist: {model}, the smallest instruction-tuned model that passes.</source>
        <translation>Estilista: {model}, el modelo ajustado a instrucciones más pequeño que pasa.</translation>
    </message>
    <message>
        <source>Stylist: no instruction-tuned model measured passes; a larger one (Gemma 3 4B instruction-tuned) may.</source>
        <translation>Estilista: ningún modelo ajustado a instrucciones medido pasa; uno mayor (Gemma 3 4B ajustado a instrucciones) podría.</translation>
    </message>
    <message>
        <source>Stylist: advice needs an instruction-tuned model (Gemma 3 1B or 4B instruction-tuned); download one and measure again.</source>
        <translation>Estilista: los consejos necesitan un modelo ajustado a instrucciones (Gemma 3 1B o 4B); descarga uno y vuelve a medir.</translation>
    </message>
    <message>
        <source>{percent}%</source>
        <translation>{percent} %</translation>
    </message>
</context>
<context>
    <name>ModelsPage</name>
    <message>
        <source>Models</source>
        <translation>Modelos</translation>
    </message>
    <message>
        <source>Everything runs on this computer. Each model is downloaded once, or imported from a folder you have.</source>
        <translation>Todo funciona en este ordenador. Cada modelo se descarga una vez, o se importa desde una carpeta que tengas.</translation>
    </message>
    <message>
        <source>Download or import models…</source>
        <translation>Descargar o importar modelos…</translation>
    </message>
    <message>
        <source>Looking for models…</source>
        <translation>Buscando modelos…</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>listo</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>falta</translation>
    </message>
    <message>
        <source>{role}: {name} ({mark})</source>
        <translation>{role}: {name} ({mark})</translation>
    </message>
    <message>
        <source>Press “Download or import models…” to get what is missing.</source>
        <translation>Pulsa «Descargar o importar modelos…» para conseguir lo que falta.</translation>
    </message>
</context>
<context>
    <name>PhotoInput</name>
    <message>
        <source>Photo…</source>
        <translation>Foto…</translation>
    </message>
    <message>
        <source>Pick an example photo</source>
        <translation>Elegir una foto de ejemplo</translation>
    </message>
    <message>
        <source>Remove the example photo</source>
        <translation>Quitar la foto de ejemplo</translation>
    </message>
    <message>
        <source>No photo (drop, paste or pick one)</source>
        <translation>Sin foto (suelta, pega o elige una)</translation>
    </message>
    <message>
        <source>Choose an example photo</source>
        <translation>Elige una foto de ejemplo</translation>
    </message>
    <message>
        <source>Images ({patterns})</source>
        <translation>Imágenes ({patterns})</translation>
    </message>
</context>
<context>
    <name>ProductsDialog</name>
    <message>
        <source>Import products</source>
        <translation>Importar productos</translation>
    </message>
    <message>
        <source>Reading {name}…</source>
        <translation>Leyendo {name}…</translation>
    </message>
    <message>
        <source>Skip bad rows (import the others)</source>
        <translation>Omitir las filas erróneas (importar las demás)</translation>
    </message>
    <message>
        <source>The currency of the prices, where the file does not say (Shopify&apos;s export never does)</source>
        <translation>La moneda de los precios, cuando el archivo no la indica (la exportación de Shopify nunca lo hace)</translation>
    </message>
    <message>
        <source>Check the file to see what the import would do, or import it.</source>
        <translation>Revisa el archivo para ver qué haría la importación, o impórtalo.</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Revisar</translation>
    </message>
    <message>
        <source>Read and check every row, and say what the import would do, without writing anything</source>
        <translation>Leer y revisar cada fila, y decir qué haría la importación, sin escribir nada</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>Importar</translation>
    </message>
    <message>
        <source>Currency</source>
        <translation>Moneda</translation>
    </message>
    <message>
        <source>First rows</source>
        <translation>Primeras filas</translation>
    </message>
    <message>
        <source>Columns</source>
        <translation>Columnas</translation>
    </message>
    <message>
        <source>Shopify product export</source>
        <translation>Exportación de productos de Shopify</translation>
    </message>
    <message>
        <source>Product list</source>
        <translation>Lista de productos</translation>
    </message>
    <message>
        <source>, columns separated by “{delimiter}”</source>
        <translation>, columnas separadas por «{delimiter}»</translation>
    </message>
    <message>
        <source>{name}: {kind} ({encoding}{separator}).</source>
        <translation>{name}: {kind} ({encoding}{separator}).</translation>
    </message>
    <message>
        <source>Shopify&apos;s columns are read as Shopify writes them: Handle, Title, Option values, Variant SKU, Price and Inventory, Image Src.</source>
        <translation>Las columnas de Shopify se leen tal como las escribe Shopify: Handle, Title, valores de opción, Variant SKU, precio e inventario, Image Src.</translation>
    </message>
    <message>
        <source>What each column holds, as recognised from its header; change any that is wrong.</source>
        <translation>Lo que contiene cada columna, según su encabezado; cambia cualquiera que esté mal.</translation>
    </message>
    <message>
        <source>(ignore)</source>
        <translation>(ignorar)</translation>
    </message>
    <message>
        <source>(no header)</source>
        <translation>(sin encabezado)</translation>
    </message>
    <message>
        <source>Checking {name}…</source>
        <translation>Revisando {name}…</translation>
    </message>
    <message>
        <source>Importing {name}…</source>
        <translation>Importando {name}…</translation>
    </message>
    <message>
        <source>Nothing was imported.</source>
        <translation>No se importó nada.</translation>
    </message>
    <message>
        <source>Imported {products} products with {variants} variants: {new} new, {updated} updated, {gone} discontinued.</source>
        <translation>Importados {products} productos con {variants} variantes: {new} nuevos, {updated} actualizados, {gone} descatalogados.</translation>
    </message>
    <message>
        <source>Checked: the import would bring {products} products with {variants} variants: {new} new, {updated} updated, {gone} discontinued. Nothing was written.</source>
        <translation>Revisado: la importación traería {products} productos con {variants} variantes: {new} nuevos, {updated} actualizados, {gone} descatalogados. No se escribió nada.</translation>
    </message>
    <message>
        <source>Photos linked: {linked}. Products without a photo: {without}. Photos without a product: {unlinked}.</source>
        <translation>Fotos enlazadas: {linked}. Productos sin foto: {without}. Fotos sin producto: {unlinked}.</translation>
    </message>
    <message>
        <source>Photos the file names that are not in the catalog: {count}.</source>
        <translation>Fotos que nombra el archivo y no están en el catálogo: {count}.</translation>
    </message>
    <message>
        <source>New categories: {names}.</source>
        <translation>Categorías nuevas: {names}.</translation>
    </message>
    <message>
        <source>Bad rows skipped: {count}.</source>
        <translation>Filas erróneas omitidas: {count}.</translation>
    </message>
    <message>
        <source>Products without a photo, for example:</source>
        <translation>Productos sin foto, por ejemplo:</translation>
    </message>
    <message>
        <source>Discontinued, for example:</source>
        <translation>Descatalogados, por ejemplo:</translation>
    </message>
    <message>
        <source>Nothing was imported: {count} bad row(s). Fix them in the file and import it again, or tick “Skip bad rows” to import the others.</source>
        <translation>No se importó nada: {count} fila(s) errónea(s). Corrígelas en el archivo y vuelve a importarlo, o marca «Omitir las filas erróneas» para importar las demás.</translation>
    </message>
    <message>
        <source>  line {line}: {reason}</source>
        <translation>  línea {line}: {reason}</translation>
    </message>
</context>
<context>
    <name>ResultsModel</name>
    <message>
        <source>strong match</source>
        <translation>muy parecida</translation>
    </message>
    <message>
        <source>good match</source>
        <translation>parecida</translation>
    </message>
    <message>
        <source>weak match</source>
        <translation>poco parecida</translation>
    </message>
    <message>
        <source>sold out</source>
        <translation>agotado</translation>
    </message>
    <message>
        <source>untagged</source>
        <translation>sin etiqueta</translation>
    </message>
    <message>
        <source>SKU {sku}</source>
        <translation>SKU {sku}</translation>
    </message>
    <message>
        <source>Sizes: {sizes}</source>
        <translation>Tallas: {sizes}</translation>
    </message>
    <message>
        <source>{count} more photo(s) of this product</source>
        <translation>{count} foto(s) más de este producto</translation>
    </message>
    <message>
        <source>Score {score} (above 0: closer than a typical item)</source>
        <translation>Puntuación {score} (por encima de 0: más parecida que una prenda típica)</translation>
    </message>
    <message>
        <source>SOLD OUT</source>
        <translation>AGOTADO</translation>
    </message>
</context>
<context>
    <name>SearchPanel</name>
    <message>
        <source>Describe what you are looking for, e.g. red summer dress -floral</source>
        <translation>Describe lo que buscas, p. ej. vestido rojo de verano -flores</translation>
    </message>
    <message>
        <source>Any</source>
        <translation>Cualquiera</translation>
    </message>
    <message>
        <source>Show </source>
        <translation>Mostrar </translation>
    </message>
    <message>
        <source>Every match</source>
        <translation>Todas las coincidencias</translation>
    </message>
    <message>
        <source>Good matches and better</source>
        <translation>Parecidas o más</translation>
    </message>
    <message>
        <source>Strong matches only</source>
        <translation>Solo muy parecidas</translation>
    </message>
    <message>
        <source>Leave out the results that look less like the request</source>
        <translation>Dejar fuera los resultados que se parecen menos a la petición</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Buscar</translation>
    </message>
    <message>
        <source>Only this folder&apos;s items; click to search everywhere again</source>
        <translation>Solo las prendas de esta carpeta; haz clic para volver a buscar en todas</translation>
    </message>
    <message>
        <source>Newest first</source>
        <translation>Más recientes primero</translation>
    </message>
    <message>
        <source>By name</source>
        <translation>Por nombre</translation>
    </message>
    <message>
        <source>The order of a listing without words or a photo</source>
        <translation>El orden de un listado sin palabras ni foto</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Categoría</translation>
    </message>
    <message>
        <source>Colour</source>
        <translation>Color</translation>
    </message>
    <message>
        <source>Folder: {name} ✕</source>
        <translation>Carpeta: {name} ✕</translation>
    </message>
    <message>
        <source>In stock only</source>
        <translation>Solo en stock</translation>
    </message>
    <message>
        <source>from any price</source>
        <translation>desde cualquier precio</translation>
    </message>
    <message>
        <source>to any price</source>
        <translation>hasta cualquier precio</translation>
    </message>
    <message>
        <source>Any size</source>
        <translation>Cualquier talla</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>Precio</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Tamaño</translation>
    </message>
    <message>
        <source>Listing…</source>
        <translation>Listando…</translation>
    </message>
    <message>
        <source>Complete the look</source>
        <translation>Completar el look</translation>
    </message>
    <message>
        <source>Correct colour of {count} items</source>
        <translation>Corregir el color de {count} prendas</translation>
    </message>
    <message>
        <source>Correct colour</source>
        <translation>Corregir el color</translation>
    </message>
    <message>
        <source>Correction</source>
        <translation>Corrección</translation>
    </message>
    <message>
        <source>Saved: {name} is now {what}. Re-indexing keeps your correction.</source>
        <translation>Guardado: {name} es ahora {what}. Volver a indexar conserva tu corrección.</translation>
    </message>
    <message>
        <source>Saved: {count} items are now {what}. Re-indexing keeps your correction.</source>
        <translation>Guardado: {count} prendas son ahora {what}. Volver a indexar conserva tu corrección.</translation>
    </message>
    <message>
        <source>Searching… (the first search loads the BLIP-2 model)</source>
        <translation>Buscando… (la primera búsqueda carga el modelo BLIP-2)</translation>
    </message>
    <message>
        <source>Nothing found: try other words or fewer filters.</source>
        <translation>No se encontró nada: prueba con otras palabras o menos filtros.</translation>
    </message>
    <message>
        <source>The search failed.</source>
        <translation>La búsqueda ha fallado.</translation>
    </message>
    <message>
        <source>{count} photos of {name}. Right-click ▸ Back to the results.</source>
        <translation>{count} fotos de {name}. Clic derecho ▸ Volver a los resultados.</translation>
    </message>
    <message>
        <source>{count} shown (at most {cap}; raise Show for more).</source>
        <translation>{count} mostradas (como mucho {cap}; sube Mostrar para ver más).</translation>
    </message>
    <message>
        <source>No program here could open {path}. Open it from your file manager, or install an image viewer.</source>
        <translation>Ningún programa de este equipo pudo abrir {path}. Ábrelo desde tu gestor de archivos o instala un visor de imágenes.</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Abrir</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>Mostrar en la carpeta</translation>
    </message>
    <message>
        <source>Find similar</source>
        <translation>Buscar parecidas</translation>
    </message>
    <message numerus="yes">
        <source>All photos of this product (%n more)</source>
        <translation>
            <numerusform>Todas las fotos de este producto (%n más)</numerusform>
            <numerusform>Todas las fotos de este producto (%n más)</numerusform>
        </translation>
    </message>
    <message>
        <source>Back to the results</source>
        <translation>Volver a los resultados</translation>
    </message>
    <message>
        <source>Correct category of {count} items</source>
        <translation>Corregir la categoría de {count} prendas</translation>
    </message>
    <message>
        <source>Correct category</source>
        <translation>Corregir la categoría</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Choose…</source>
        <translation>Elegir…</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Ajustes</translation>
    </message>
    <message>
        <source>All cores</source>
        <translation>Todos los núcleos</translation>
    </message>
    <message>
        <source>auto uses int8 only after checking on your photos that it agrees with fp32</source>
        <translation>auto usa int8 solo tras comprobar con tus fotos que coincide con fp32</translation>
    </message>
    <message>
        <source>bundled Gemma 3 270M</source>
        <translation>Gemma 3 270M incluido</translation>
    </message>
    <message>
        <source>none: choose an instruction-tuned GGUF (Gemma 3 1B-it or 4B-it)</source>
        <translation>ninguno: elige un GGUF ajustado a instrucciones (Gemma 3 1B-it o 4B-it)</translation>
    </message>
    <message>
        <source>printed on the looks you hand a customer</source>
        <translation>aparece en los looks que entregas a una clienta</translation>
    </message>
    <message>
        <source>Like the system</source>
        <translation>Como el sistema</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Claro</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Oscuro</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>Carpeta de datos</translation>
    </message>
    <message>
        <source>A new data folder is used from the next start; the current catalog stays where it is.</source>
        <translation>Una nueva carpeta de datos se usa desde el próximo inicio; el catálogo actual se queda donde está.</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>Hilos</translation>
    </message>
    <message>
        <source>Indexing precision</source>
        <translation>Precisión de indexación</translation>
    </message>
    <message>
        <source>Embedder (BLIP-2)</source>
        <translation>Codificador (BLIP-2)</translation>
    </message>
    <message>
        <source>Classifier GGUF</source>
        <translation>GGUF del clasificador</translation>
    </message>
    <message>
        <source>Stylist GGUF</source>
        <translation>GGUF del estilista</translation>
    </message>
    <message>
        <source>Shop name</source>
        <translation>Nombre de la tienda</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>Tema</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Idioma</translation>
    </message>
    <message>
        <source>Choose the data folder</source>
        <translation>Elige la carpeta de datos</translation>
    </message>
    <message>
        <source>Choose a saved BLIP-2 folder</source>
        <translation>Elige una carpeta de BLIP-2 guardada</translation>
    </message>
    <message>
        <source>Choose a GGUF model</source>
        <translation>Elige un modelo GGUF</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf)</source>
        <translation>Modelos GGUF (*.gguf)</translation>
    </message>
</context>
<context>
    <name>TagNames</name>
    <message>
        <source>t-shirt</source>
        <translation>camiseta</translation>
    </message>
    <message>
        <source>shirt</source>
        <translation>camisa</translation>
    </message>
    <message>
        <source>jersey</source>
        <translation>jersey</translation>
    </message>
    <message>
        <source>jacket</source>
        <translation>chaqueta</translation>
    </message>
    <message>
        <source>pants</source>
        <translation>pantalón</translation>
    </message>
    <message>
        <source>shorts</source>
        <translation>pantalón corto</translation>
    </message>
    <message>
        <source>dress</source>
        <translation>vestido</translation>
    </message>
    <message>
        <source>skirt</source>
        <translation>falda</translation>
    </message>
    <message>
        <source>shoes</source>
        <translation>zapatos</translation>
    </message>
    <message>
        <source>bag</source>
        <translation>bolso</translation>
    </message>
    <message>
        <source>hat</source>
        <translation>sombrero</translation>
    </message>
    <message>
        <source>black</source>
        <translation>negro</translation>
    </message>
    <message>
        <source>white</source>
        <translation>blanco</translation>
    </message>
    <message>
        <source>grey</source>
        <translation>gris</translation>
    </message>
    <message>
        <source>red</source>
        <translation>rojo</translation>
    </message>
    <message>
        <source>pink</source>
        <translation>rosa</translation>
    </message>
    <message>
        <source>orange</source>
        <translation>naranja</translation>
    </message>
    <message>
        <source>yellow</source>
        <translation>amarillo</translation>
    </message>
    <message>
        <source>green</source>
        <translation>verde</translation>
    </message>
    <message>
        <source>blue</source>
        <translation>azul</translation>
    </message>
    <message>
        <source>navy</source>
        <translation>azul marino</translation>
    </message>
    <message>
        <source>brown</source>
        <translation>marrón</translation>
    </message>
    <message>
        <source>beige</source>
        <translation>beis</translation>
    </message>
    <message>
        <source>purple</source>
        <translation>morado</translation>
    </message>
    <message>
        <source>multicolour</source>
        <translation>multicolor</translation>
    </message>
</context>
<context>
    <name>TermsDialog</name>
    <message>
        <source>Gemma Terms of Use</source>
        <translation>Términos de uso de Gemma</translation>
    </message>
    <message>
        <source>The assistant understands requests with Google&apos;s Gemma 3 270M model, which comes with the app. Google&apos;s terms for it apply: please read them, and accept them to use the model. You are asked once; Help ▸ Licences shows them again.</source>
        <translation>El asistente entiende las peticiones con el modelo Gemma 3 270M de Google, que viene con la aplicación. Se aplican los términos de Google: léelos y acéptalos para usar el modelo. Se pregunta una vez; Ayuda ▸ Licencias los vuelve a mostrar.</translation>
    </message>
    <message>
        <source>Reading the terms…</source>
        <translation>Leyendo los términos…</translation>
    </message>
    <message>
        <source>Accept</source>
        <translation>Aceptar</translation>
    </message>
    <message>
        <source>Decline</source>
        <translation>Rechazar</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <source>Fashion Assistant is already open with this catalog ({catalog}).
Switch to that window; close it first to open this one again.</source>
        <translation>Fashion Assistant ya está abierto con este catálogo ({catalog}).
Cambia a esa ventana; ciérrala primero para abrir esta de nuevo.</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <source>Use File ▸ Add folder… to add your photos.</source>
        <translation>Usa Archivo ▸ Añadir carpeta… para añadir tus fotos.</translation>
    </message>
    <message>
        <source>Open Models ▸ Manage models… to download or import it.</source>
        <translation>Abre Modelos ▸ Gestionar modelos… para descargarlo o importarlo.</translation>
    </message>
    <message>
        <source>Open File ▸ Settings… to change it.</source>
        <translation>Abre Archivo ▸ Ajustes… para cambiarlo.</translation>
    </message>
    <message>
        <source>Use File ▸ Import products… to bring in the shop&apos;s product list.</source>
        <translation>Usa Archivo ▸ Importar productos… para traer la lista de productos de la tienda.</translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation>Añadir carpeta…</translation>
    </message>
    <message>
        <source>Open Models…</source>
        <translation>Abrir Modelos…</translation>
    </message>
    <message>
        <source>Open Settings…</source>
        <translation>Abrir Ajustes…</translation>
    </message>
    <message>
        <source>Import products…</source>
        <translation>Importar productos…</translation>
    </message>
    <message>
        <source>Something went wrong that the app did not expect.</source>
        <translation>Algo ha fallado de una forma que la aplicación no esperaba.</translation>
    </message>
    <message>
        <source>Try again; if it keeps happening, send us the log file (Help ▸ Open log folder).</source>
        <translation>Inténtalo de nuevo; si sigue pasando, envíanos el archivo de registro (Ayuda ▸ Abrir la carpeta de registros).</translation>
    </message>
    <message>
        <source>See Help ▸ Open log folder for the details of what went wrong.</source>
        <translation>Consulta Ayuda ▸ Abrir la carpeta de registros para ver los detalles de lo que falló.</translation>
    </message>
    <message>
        <source>That could not be done.</source>
        <translation>No se pudo hacer.</translation>
    </message>
</context>
</TS>
